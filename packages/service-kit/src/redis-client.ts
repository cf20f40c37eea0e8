import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { ConfigError, StoreUnavailableError, type Config, type Logger } from '@mesh-momentum/common';
import { withDeadline } from './deadline.ts';

/** Repeated connection errors are logged at most this often while Redis stays down, ms. */
const ERROR_LOG_INTERVAL_MS = 10_000;
/** Reconnect back-off: attempt n waits min(n × step, max), ms. */
const RECONNECT_STEP_MS = 100;
const RECONNECT_MAX_MS = 2_000;
/** How often a connection to a Redis still loading its data asks whether it has finished, ms. */
const LOADING_POLL_MS = 200;

/** A single Redis or a Redis Cluster: the same commands (see `@mesh-momentum/store`'s `execPerNode`). */
export type RedisClient = Redis | Cluster;

export interface RedisClientOptions {
  /**
   * ioredis `enableAutoPipelining`: the commands issued in one event-loop turn go out as one pipeline
   * (one socket write), the next turn's once the previous pipeline is answered. For a service that sends
   * many small independent commands concurrently (the ingest gateway: budget refills and delivery claims
   * of concurrent requests). Each command keeps its own reply and error. @defaultValue false
   */
  readonly autoPipelining?: boolean;
}

/**
 * A Redis client whose every wait is bounded:
 * - `connectTimeout`: a TCP connect that does not complete fails and is retried;
 * - `commandTimeout`: every command, script and pipeline entry fails after this long, so a Redis that
 *   accepts connections but never answers, or a crash with the command in flight, surfaces as an error;
 * - `autoResendUnfulfilledCommands: false`: a write whose outcome is unknown after a reconnect fails
 *   (with ioredis patched to reject it, see pnpm-workspace.yaml) and the caller decides what to apply again,
 *   since Redis may have come back without it;
 * - `maxRetriesPerRequest`: commands queued while disconnected fail after a few reconnect attempts
 *   instead of waiting for Redis forever;
 * - `maxLoadingRetryTime`: a Redis that restarted and is still loading its data is asked again every
 *   LOADING_POLL_MS ms (ioredis waits for Redis's own loading estimate, up to 10 s by default, which kept a
 *   Redis back after a crash unused for seconds after it had finished loading).
 * With `MM_REDIS_CLUSTER_NODES`, an ioredis `Cluster` over those seed nodes, with the same bounds on
 * every node connection (and the credentials and TLS of `MM_REDIS_URL`); see `createCluster`.
 */
export function createRedis(
  config: Config['redis'],
  logger: Logger,
  options: RedisClientOptions = {},
): RedisClient {
  const enableAutoPipelining = options.autoPipelining ?? false;
  const redis = config.clusterNodes
    ? createCluster(config, config.clusterNodes, enableAutoPipelining)
    : createSingle(config, enableAutoPipelining);
  let lastLoggedMs = 0;
  let suppressed = 0;
  redis.on('error', (error: Error) => {
    const now = Date.now();
    if (now - lastLoggedMs < ERROR_LOG_INTERVAL_MS) {
      suppressed += 1;
      return;
    }
    lastLoggedMs = now;
    logger.warn({ err: error, suppressed, status: redis.status }, 'redis connection problem; retrying');
    suppressed = 0;
  });
  return redis;
}

const reconnectDelay = (attempt: number) => Math.min(attempt * RECONNECT_STEP_MS, RECONNECT_MAX_MS);

function boundedOptions(config: Config['redis']): RedisOptions {
  return {
    connectTimeout: config.connectTimeoutMs,
    commandTimeout: config.commandTimeoutMs,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 3,
    maxLoadingRetryTime: LOADING_POLL_MS,
  };
}

function createSingle(config: Config['redis'], enableAutoPipelining: boolean): Redis {
  return new Redis(config.url, {
    lazyConnect: true,
    enableAutoPipelining,
    ...boundedOptions(config),
    retryStrategy: reconnectDelay,
  });
}

/**
 * A Redis Cluster client. Reads go to masters (`scaleReads: 'master'`: a replica may lag behind the
 * write a mirror was built from). A node that goes away is dropped and found again through MOVED
 * replies and slot refreshes (ioredis' default); a command meeting a closed connection or CLUSTERDOWN
 * is retried `maxRedirections` times `retryDelayOnFailover` ms apart (about 1.6 s), then fails as
 * retriable. Re-sent scripts are safe: the apply script refuses what it already applied.
 */
function createCluster(
  config: Config['redis'],
  nodes: readonly string[],
  enableAutoPipelining: boolean,
): Cluster {
  const url = new URL(config.url);
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && db !== '0') {
    throw new ConfigError([
      { field: 'MM_REDIS_URL', reason: `a Redis Cluster has only database 0 (the URL names ${db})` },
    ]);
  }
  return new Cluster(
    nodes.map((node) => {
      const at = node.lastIndexOf(':');
      return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
    }),
    {
      lazyConnect: true,
      enableAutoPipelining,
      scaleReads: 'master',
      enableReadyCheck: true,
      slotsRefreshTimeout: config.connectTimeoutMs,
      clusterRetryStrategy: reconnectDelay,
      redisOptions: {
        ...boundedOptions(config),
        ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
        ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
        ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
      },
    },
  );
}

/**
 * Connects within `connectTimeoutMs` (including the first command) and checks that the database the URL
 * names exists: ioredis only emits an error event when SELECT fails and then writes to database 0.
 */
export async function connectRedis(redis: RedisClient, config: Config['redis']): Promise<void> {
  const unavailable = () =>
    new StoreUnavailableError(
      `Redis did not answer within ${config.connectTimeoutMs} ms (MM_REDIS_CONNECT_TIMEOUT_MS); is it running and reachable?`,
    );
  try {
    await withDeadline(
      (async () => {
        if (redis.status === 'wait') await redis.connect();
        await redis.ping();
      })(),
      config.connectTimeoutMs,
      unavailable,
    );
  } catch (error) {
    redis.disconnect();
    if (error instanceof StoreUnavailableError) throw error;
    throw new StoreUnavailableError(`cannot connect to Redis: ${(error as Error).message}`, { cause: error });
  }
  const db = redis.isCluster ? 0 : ((redis as Redis).options.db ?? 0);
  if (db !== 0) {
    try {
      await redis.select(db);
    } catch (error) {
      redis.disconnect();
      throw new ConfigError([
        {
          field: 'MM_REDIS_URL',
          reason: `database ${db} does not exist on this server (${(error as Error).message})`,
        },
      ]);
    }
  }
}

/**
 * The masters of a Redis Cluster that would not keep an acknowledged write through a crash (AOF off,
 * or fsync other than `always`), as `host:port`. On a cluster, the partition progress and a domain's
 * state live on different masters, so such a master can lose batches that replay cannot bring back
 * (docs/redis-contract.md, "On a Redis Cluster"). Masters that refuse CONFIG (managed services) are
 * left out: their durability cannot be read. Empty for a single Redis.
 */
export async function nonDurableClusterMasters(redis: RedisClient): Promise<string[]> {
  if (!(redis instanceof Cluster)) return [];
  const found: string[] = [];
  for (const node of redis.nodes('master')) {
    try {
      const [, appendonly] = (await node.config('GET', 'appendonly')) as string[];
      const [, fsync] = (await node.config('GET', 'appendfsync')) as string[];
      if (appendonly !== 'yes' || fsync !== 'always') found.push(`${node.options.host}:${node.options.port}`);
    } catch {
      // CONFIG disabled or renamed: nothing to judge.
    }
  }
  return found;
}
