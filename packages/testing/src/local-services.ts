import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ENV_VARIABLES } from '@mesh-momentum/common';
import type { ServiceEndpoints } from './endpoints.ts';

const run = promisify(execFile);

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const LOCAL_INFRA_SCRIPT = resolve(REPO_ROOT, 'infra/local/local-infra.sh');

/** The local infrastructure listens where the config defaults point. */
export function localEndpoints(): ServiceEndpoints {
  return {
    kafkaBrokers: ENV_VARIABLES.MM_KAFKA_BROKERS.default,
    registryUrl: ENV_VARIABLES.MM_SCHEMA_REGISTRY_URL.default,
    redisUrl: ENV_VARIABLES.MM_REDIS_URL.default,
    origin: 'local',
  };
}

/** Runs infra/local/local-infra.sh with the arguments; never throws, `ok` says whether it exited 0. */
export async function localInfra(...command: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run('bash', [LOCAL_INFRA_SCRIPT, ...command], {
      cwd: REPO_ROOT,
      timeout: 15 * 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message };
  }
}

export interface LocalServices {
  readonly endpoints: ServiceEndpoints;
  /** True when this run started the services, so it should stop them again. */
  readonly startedHere: boolean;
  stop(): Promise<void>;
}

/**
 * Uses the project's local infrastructure (infra/local), starting it when it is not running. Services
 * someone else started (CI's `.ci/run`, a developer's `pnpm infra:up`) are left running afterwards.
 */
export async function ensureLocalServices(): Promise<LocalServices> {
  const status = await localInfra('status');
  if (status.ok) {
    return { endpoints: localEndpoints(), startedHere: false, stop: async () => {} };
  }
  const up = await localInfra('up');
  if (!up.ok)
    throw new Error(
      `could not start the local infrastructure (infra/local/local-infra.sh up):\n${up.output}`,
    );
  return {
    endpoints: localEndpoints(),
    startedHere: true,
    stop: async () => {
      await localInfra('down');
    },
  };
}

/** Seed nodes of the local Redis Cluster (infra/local/redis-cluster.sh, default ports). */
export const LOCAL_CLUSTER_NODES = '127.0.0.1:17001,127.0.0.1:17002,127.0.0.1:17003';

export interface LocalRedisCluster {
  readonly nodes: string;
  stop(): Promise<void>;
}

/** Uses the local Redis Cluster, starting it when it is not running (and then stopping it afterwards). */
export async function ensureLocalRedisCluster(): Promise<LocalRedisCluster> {
  if ((await localInfra('redis-cluster', 'status')).ok)
    return { nodes: LOCAL_CLUSTER_NODES, stop: async () => {} };
  const up = await localInfra('redis-cluster', 'up');
  if (!up.ok) throw new Error(`could not start the local Redis Cluster:\n${up.output}`);
  return {
    nodes: LOCAL_CLUSTER_NODES,
    stop: async () => {
      await localInfra('redis-cluster', 'down');
    },
  };
}
