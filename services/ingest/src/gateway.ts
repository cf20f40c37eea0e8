import { readFileSync } from 'node:fs';
import { createIdentityResolver, EMPTY_IDENTITY_CONFIG, parseIdentityConfig } from '@mesh-momentum/adapters';
import { isRetriable, type Logger } from '@mesh-momentum/common';
import { registryOptionsFrom } from '@mesh-momentum/events';
import { createMeshMomentumProducer, type MeshMomentumProducer } from '@mesh-momentum/sdk';
import {
  cachedProbe,
  connectRuntimeWith,
  createOpsServer,
  kafkaAnswers,
  listenOps,
  registryAnswers,
  withDeadline,
  type OpsAddress,
} from '@mesh-momentum/service-kit';
import type { FastifyInstance } from 'fastify';
import { buildGateway } from './app.ts';
import { TokenVerifier } from './auth/tokens.ts';
import { checkSettingsForFile, type IngestConfig } from './config.ts';
import type { GatewayContext } from './context.ts';
import { DeliveryLedger } from './deliveries.ts';
import { loadGatewayFile, type GatewayFile } from './gateway-file.ts';
import { ingestKeys } from './keys.ts';
import { IngestMetrics } from './metrics.ts';
import { startPollers, type RunningPollers } from './pollers/start.ts';
import { Publisher } from './publisher.ts';
import { RateBudget } from './rate-budget.ts';
import { UnmappedRegistry } from './unmapped.ts';

/** Bound of the producer's queue: beyond it requests are answered 503 (retriable) at once. */
const PRODUCER_QUEUE_EVENTS = 50_000;
/** /readyz waits at most this long for Kafka's answer (under the kit's 3 s readiness bound), ms. */
const KAFKA_PROBE_TIMEOUT_MS = 2_000;
/** Kafka's answer is reused for this long, so frequent readiness polls cost one connection, ms. */
const KAFKA_PROBE_TTL_MS = 5_000;

export interface GatewayOptions {
  /** Replaces MM_INGEST_CONFIG_FILE (tests, the demo). */
  readonly file?: GatewayFile;
  readonly logger?: Logger;
  /** ms since the epoch. @defaultValue Date.now */
  readonly clock?: () => number;
}

export interface RunningGateway {
  readonly app: FastifyInstance;
  readonly ops: FastifyInstance;
  /** Where the API listens. */
  readonly address: OpsAddress;
  readonly opsAddress: OpsAddress;
  readonly context: GatewayContext;
  readonly producer: MeshMomentumProducer;
  readonly pollers: RunningPollers;
  /** Stops accepting requests, finishes those in flight, flushes the producer, stops pollers, closes Redis. */
  close(): Promise<void>;
}

/**
 * Starts the gateway: Redis (connected within its timeout, or start-up fails), the SDK producer (Kafka
 * connects in the background: until it does, /readyz says so and requests wait up to the ack timeout),
 * the API server, the ops server and the configured pollers.
 */
export async function startGateway(
  config: IngestConfig,
  options: GatewayOptions = {},
): Promise<RunningGateway> {
  const settings = config.ingest;
  const clock = options.clock ?? Date.now;
  const file = options.file ?? loadGatewayFile(settings.configFile);
  checkSettingsForFile(settings, file);
  const identity = createIdentityResolver(
    settings.identityFile === undefined
      ? EMPTY_IDENTITY_CONFIG
      : parseIdentityConfig(readFileSync(settings.identityFile, 'utf8'), settings.identityFile),
  );
  const { logger, kafka, redis, codec } = await connectRuntimeWith(
    'ingest',
    config,
    options.logger === undefined ? {} : { logger: options.logger },
  );
  const registry = registryOptionsFrom(config);
  const producer = createMeshMomentumProducer({
    config,
    source: 'urn:meshmomentum:ingest',
    logger: logger.child({ component: 'producer' }),
    kafka,
    codec,
    // A full queue is an overload: answer 503 at once rather than hold the request.
    whenQueueFull: 'fail',
    // Events accepted and not yet acknowledged, across all requests (~0.5 KiB each: ~25 MiB at most).
    maxQueuedEvents: PRODUCER_QUEUE_EVENTS,
    lingerMs: 1,
  });
  // Early connect, so the first request does not pay for it; a failure is retried by each send.
  void producer.connect().catch((error: unknown) =>
    isRetriable(error)
      ? logger.warn({ err: error }, 'Kafka not reachable yet; requests answer 503 until it is')
      : // Credentials, certificate trust or ACLs (MM_ERR_KAFKA_*): only a configuration change helps.
        logger.error({ err: error }, 'Kafka refuses the gateway; requests answer 502 until that is fixed'),
  );
  // Readiness follows Kafka as it is now (lost after start, or back after a failed start), not the
  // producer's first connect: a fresh metadata request, at most one every KAFKA_PROBE_TTL_MS.
  const kafkaReady = cachedProbe(() => kafkaAnswers(kafka), {
    timeoutMs: KAFKA_PROBE_TIMEOUT_MS,
    ttlMs: KAFKA_PROBE_TTL_MS,
  });
  const keys = ingestKeys(config.redis.keyPrefix);
  const metrics = new IngestMetrics();
  const context: GatewayContext = {
    config,
    settings,
    file,
    tokens: new TokenVerifier(file.tokens),
    identity,
    publisher: Publisher.fromConfig(producer, config, settings.ackTimeoutMs),
    redis,
    keys,
    // A claim outlives the longest wait for Kafka, so a crash mid-request frees it soon after.
    deliveries: new DeliveryLedger(redis, {
      pendingTtlMs: 2 * settings.ackTimeoutMs,
      doneTtlSeconds: settings.deliveryTtlSeconds,
    }),
    budget: new RateBudget(
      redis,
      {
        max: settings.rateLimitMax,
        windowMs: settings.rateLimitWindowMs,
        key: keys.rateBudget,
      },
      logger.child({ component: 'rate-budget' }),
    ),
    unmapped: new UnmappedRegistry(redis, keys.unmapped, settings.unmappedMax),
    metrics,
    logger,
    clock,
  };
  const app = await buildGateway(context);
  const pollers = settings.pollers
    ? startPollers(context, file)
    : startPollers(context, { ...file, pollers: {} });
  const ops = createOpsServer(
    {
      live: () => true,
      ready: async () => {
        const [redisOk, registryOk, kafkaOk] = await Promise.all([
          redis.ping().then(
            () => true,
            () => false,
          ),
          registryAnswers(registry),
          kafkaReady(),
        ]);
        // A poller whose rounds fail for a dependency (a registry refusing the credentials, Kafka refusing
        // the principal) holds its position: not ready, so the failure shows until it is fixed.
        const pollersOk = pollers.failing().length === 0;
        const checks = { redis: redisOk, registry: registryOk, kafka: kafkaOk, pollers: pollersOk };
        return { ready: redisOk && registryOk && kafkaOk && pollersOk, checks };
      },
    },
    metrics.registry,
    { http: settings, logger },
  );
  const address = await listenOps(app, { host: settings.httpHost, port: settings.httpPort });
  const opsAddress = await listenOps(ops, { host: settings.httpHost, port: settings.opsPort });
  logger.info(
    { api: address.url, ops: opsAddress.url, tokens: file.tokens.length },
    'ingest gateway listening',
  );
  return {
    app,
    ops,
    address,
    opsAddress,
    context,
    producer,
    pollers,
    close: async () => {
      await pollers.stop();
      await app.close();
      // Kafka down: events still queued cannot be delivered; their requests were answered 503 already.
      await withDeadline(
        producer.close(),
        2 * settings.ackTimeoutMs,
        () => new Error('producer close timed out'),
      ).catch((error: unknown) =>
        logger.warn({ err: error }, 'producer not flushed on close; clients were answered 503'),
      );
      await ops.close();
      redis.disconnect();
    },
  };
}
