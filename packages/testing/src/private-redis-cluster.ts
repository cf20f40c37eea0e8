import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, redisServerBinary } from './private-redis.ts';
import { waitFor } from './wait.ts';

const run = promisify(execFile);

/** One master of a private cluster. */
export interface ClusterMaster {
  readonly port: number;
  /** SIGKILL: no shutdown; the node comes back from its AOF (fsynced before every reply). */
  crash(): Promise<void>;
  /** Starts again on the same ports with the same data and cluster identity (nodes.conf). */
  restart(): Promise<void>;
}

/** A 3-master Redis Cluster of one test's own, which it may crash without disturbing other tests. */
export interface PrivateRedisCluster {
  /** host:port list, for MM_REDIS_CLUSTER_NODES. */
  readonly nodes: string;
  readonly masters: readonly ClusterMaster[];
  /** The master serving a slot (0..16383), from CLUSTER SLOTS. */
  masterOfSlot(slot: number): Promise<ClusterMaster>;
  /** Resolves once every master reports cluster_state:ok. */
  healthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
    timeout: 5_000,
  });
  return stdout;
}

/**
 * Starts three `redis-server` processes in cluster mode on free loopback ports (and free bus ports),
 * with the settings of infra/local/redis-cluster.sh: AOF `appendfsync always`, `noeviction`, node
 * timeout 2 s, full coverage not required (the other masters serve while one is down).
 */
export async function startPrivateRedisCluster(): Promise<PrivateRedisCluster> {
  const binary = redisServerBinary();
  const root = mkdtempSync(join(tmpdir(), 'mm-redis-cluster-'));
  const children = new Map<number, ChildProcess>();

  const start = async (port: number, busPort: number) => {
    const dir = join(root, String(port));
    mkdirSync(dir, { recursive: true });
    const child = spawn(
      binary,
      [
        '--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1', '--dir', dir,
        '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000',
        '--cluster-require-full-coverage', 'no', '--appendonly', 'yes', '--appendfsync', 'always',
        '--maxmemory-policy', 'noeviction', '--save', '',
      ], // prettier-ignore
      { stdio: 'ignore' },
    );
    children.set(port, child);
    await waitFor(
      async () => ((await cli(port, 'ping').catch(() => '')).trim() === 'PONG' ? true : undefined),
      {
        what: `cluster node on port ${port}`,
        timeoutMs: 15_000,
      },
    );
  };
  const kill = async (port: number, signal: NodeJS.Signals) => {
    const child = children.get(port);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  };

  const ports: [number, number][] = [];
  while (ports.length < 3) {
    const [port, bus] = [await freePort(), await freePort()];
    if (port !== bus && !ports.flat().includes(port) && !ports.flat().includes(bus)) ports.push([port, bus]);
  }
  const masters: ClusterMaster[] = ports.map(([port, bus]) => ({
    port,
    crash: () => kill(port, 'SIGKILL'),
    restart: () => start(port, bus),
  }));
  const healthy = async (timeoutMs = 30_000) => {
    await waitFor(
      async () => {
        const infos = await Promise.all(ports.map(([p]) => cli(p, 'cluster', 'info').catch(() => '')));
        return infos.every((info) => info.includes('cluster_state:ok')) ? true : undefined;
      },
      { what: 'the private cluster to be ok on every master', timeoutMs, intervalMs: 100 },
    );
  };
  try {
    await Promise.all(ports.map(([port, bus]) => start(port, bus)));
    await run(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map(([p]) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { timeout: 30_000 },
    );
    await healthy();
  } catch (error) {
    await Promise.all(ports.map(([p]) => kill(p, 'SIGKILL')));
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return {
    nodes: ports.map(([p]) => `127.0.0.1:${p}`).join(','),
    masters,
    healthy,
    masterOfSlot: async (slot) => {
      // CLUSTER NODES: "<id> <ip:port@bus> <flags> <master> <ping> <pong> <epoch> <link> <slot ranges...>".
      for (const [p] of ports) {
        for (const line of (await cli(p, 'cluster', 'nodes').catch(() => '')).split('\n')) {
          const fields = line.trim().split(' ');
          const port = Number(fields[1]?.split('@')[0]?.split(':')[1]);
          const serves = fields.slice(8).some((range) => {
            const [from, to] = range.split('-').map(Number);
            return from !== undefined && slot >= from && slot <= (to ?? from);
          });
          const master = masters.find((m) => m.port === port);
          if (serves && master && fields[2]?.includes('master')) return master;
        }
      }
      throw new Error(`no master found for slot ${slot}`);
    },
    stop: async () => {
      await Promise.all(ports.map(([p]) => kill(p, 'SIGTERM')));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
