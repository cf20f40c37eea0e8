import type { Redis } from 'ioredis';
import { loadProcessorConfig, type ProcessorConfig } from '@mesh-momentum/processor';

export { printTable } from './table.ts';

/**
 * Shared helpers of the pipeline benchmarks: argument parsing, isolated configuration (fresh topics, key
 * prefix and consumer group per run, so benchmarks never touch another run's or a test's data), Redis
 * command statistics, percentiles and table printing.
 */

/** `--name 123`, `--name=123` or the environment variable, else the default. */
export function numberArg(name: string, envName: string, fallback: number): number {
  const argv = process.argv.slice(2);
  let raw: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === `--${name}`) raw = argv[i + 1];
    else if (a.startsWith(`--${name}=`)) raw = a.slice(name.length + 3);
  }
  raw ??= process.env[envName];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} (${envName}): not a number: ${raw}`);
  return value;
}

/** `--name value`, `--name=value` or the environment variable, else the default. */
export function stringArg(name: string, envName: string, fallback: string): string {
  const argv = process.argv.slice(2);
  let raw: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === `--${name}`) raw = argv[i + 1];
    else if (a.startsWith(`--${name}=`)) raw = a.slice(name.length + 3);
  }
  return raw ?? process.env[envName] ?? fallback;
}

export function flagArg(name: string, envName: string): boolean {
  return process.argv.slice(2).includes(`--${name}`) || ['1', 'true'].includes(process.env[envName] ?? '');
}

/** The process environment without the variables a benchmark sets itself. */
function baseEnv(): Record<string, string> {
  const skip = /^(MM_TOPIC_EVENTS|MM_TOPIC_DLQ|MM_REDIS_KEY_PREFIX|MM_PROCESSOR_GROUP_ID)$/;
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] => e[0].startsWith('MM_') && !skip.test(e[0]) && e[1] !== undefined,
    ),
  );
}

/** Environment (MM_*) of an isolated run: `bench.<kind>.<stamp>` topics, key prefix and group. */
export function benchEnv(kind: string, stamp: string, variant = 'main'): Record<string, string> {
  return {
    ...baseEnv(),
    MM_TOPIC_EVENTS: `bench.${kind}.${stamp}.events`,
    MM_TOPIC_DLQ: `bench.${kind}.${stamp}.dlq`,
    MM_TOPIC_PARTITIONS: process.env['MM_TOPIC_PARTITIONS'] ?? '6',
    MM_REDIS_KEY_PREFIX: `bench-${kind}-${stamp}-${variant}`,
    MM_PROCESSOR_GROUP_ID: `bench.${kind}.${stamp}.${variant}`,
    MM_LOG_LEVEL: process.env['MM_LOG_LEVEL'] ?? 'error',
  };
}

export function benchConfig(env: Record<string, string>): ProcessorConfig {
  return loadProcessorConfig(env);
}

export function newStamp(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}

/** `INFO commandstats` as command → calls and µs spent in it (commands called by scripts included). */
export async function commandTimes(redis: Redis): Promise<Map<string, { calls: number; usec: number }>> {
  const text = await redis.info('commandstats');
  const stats = new Map<string, { calls: number; usec: number }>();
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm))
    stats.set(m[1] as string, { calls: Number(m[2]), usec: Number(m[3]) });
  return stats;
}

/** CPU time of this process (user + system, all threads) since `since` (from process.cpuUsage()), µs. */
export function cpuMicrosSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return used.user + used.system;
}

/**
 * The Redis server process's CPU time so far (INFO cpu: user + system), s. Its own process only: other
 * clients of the same Redis count in it, its background saves (forked children) do not.
 */
export async function redisCpuSeconds(redis: Redis): Promise<number> {
  const text = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(text)?.[1] ?? Number.NaN);
  return field('used_cpu_user') + field('used_cpu_sys');
}

/** `INFO commandstats` as command → calls. */
export async function commandStats(redis: Redis): Promise<Map<string, number>> {
  return new Map([...(await commandTimes(redis))].map(([cmd, { calls }]) => [cmd, calls]));
}

export function diffStats(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const diff = new Map<string, number>();
  for (const [cmd, calls] of after) {
    const d = calls - (before.get(cmd) ?? 0);
    if (d > 0) diff.set(cmd, d);
  }
  return new Map([...diff].sort((a, b) => b[1] - a[1]));
}

/** Deletes every key under `<prefix>:`; returns how many. */
export async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  let n = 0;
  const stream = redis.scanStream({ match: `${prefix}:*`, count: 5000 });
  for await (const batch of stream as AsyncIterable<string[]>) {
    if (batch.length > 0) n += await redis.unlink(...batch);
  }
  return n;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export function fmtInt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-';
}

export function fmtNum(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
