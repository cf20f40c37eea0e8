import type { Kafka } from 'kafkajs';
import { RebuildRunningError, type Logger } from '@mesh-momentum/common';
import type { EventCodec } from '@mesh-momentum/events';
import type { ScoringConfig } from '@mesh-momentum/scoring';
import { keys, resolveNamespace, unlinkMatching, type RedisClient } from '@mesh-momentum/store';
import { ScoreStore } from '@mesh-momentum/store-writer';
import type { ProcessorConfig } from './config.ts';
import { Processor } from './processor.ts';

export interface RebuildDeps {
  readonly config: ProcessorConfig;
  readonly scoring: ScoringConfig;
  readonly kafka: Kafka;
  readonly redis: RedisClient;
  readonly codec: EventCodec;
  readonly logger: Logger;
  /**
   * Time given to live processors, after the switch, to finish a batch still aimed at the old
   * namespace before its keys are deleted, ms. @defaultValue 5000
   */
  readonly graceMs?: number;
  /** Give up when the replay has not caught up by then, ms. @defaultValue 30 minutes */
  readonly timeoutMs?: number;
  readonly onProgress?: (done: bigint, total: bigint) => void;
}

export interface RebuildResult {
  readonly from: string;
  readonly to: string;
  /** Records replayed (the topic's high watermarks when the rebuild started). */
  readonly records: bigint;
  readonly durationMs: number;
  readonly deletedKeys: number;
}

/** The namespace after `current`: v1 → v2; anything else gets a timestamped name. */
export function nextNamespace(current: string, nowMs: number): string {
  const match = /^v(\d+)$/.exec(current);
  return match ? `v${Number(match[1]) + 1}` : `r${nowMs}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Rebuilds every score from the events topic into a fresh namespace while live processors keep
 * serving the current one, then switches readers atomically and removes the old namespace:
 * 1. claim the rebuild (`<prefix>:namespace:rebuilding`, SET NX: one rebuild at a time);
 * 2. replay the topic from the start with a processor of its own (own consumer group, own namespace)
 *    until it has passed the high watermarks taken at the start;
 * 3. SET the namespace pointer: readers switch with their next read; live processors follow it and
 *    continue from the progress the rebuild recorded (their new epochs fence the rebuild's processor);
 * 4. after a grace period, delete the old namespace's keys and release the claim.
 */
export async function rebuildScores(deps: RebuildDeps): Promise<RebuildResult> {
  const started = Date.now();
  const { config, redis } = deps;
  const prefix = config.redis.keyPrefix;
  const log = deps.logger.child({ component: 'rebuild' });
  const from = await resolveNamespace(redis, prefix);
  const to = nextNamespace(from, started);
  const claimed = await redis.set(keys.rebuildPointer(prefix), to, 'NX');
  if (claimed === null) {
    const running = await redis.get(keys.rebuildPointer(prefix));
    throw new RebuildRunningError(
      running ?? undefined,
      `a rebuild into namespace ${running} is already running (or died: delete ${keys.rebuildPointer(prefix)} to retry)`,
    );
  }

  const groupId = `${config.processor.groupId}.rebuild.${to}`;
  const processor = new Processor({ ...deps, namespace: to, groupId, followNamespace: false });
  const store = new ScoreStore(redis, { prefix, namespace: to }, deps.scoring);
  const admin = deps.kafka.admin();
  await admin.connect();
  let total: bigint;
  let switched = false;
  try {
    const targets = (await admin.fetchTopicOffsets(config.topics.events)).map((p) => ({
      partition: p.partition,
      low: BigInt(p.low),
      high: BigInt(p.high),
    }));
    total = targets.reduce((sum, t) => sum + (t.high - t.low), 0n);
    log.info({ from, to, records: total.toString() }, 'replaying the events topic into a fresh namespace');
    await processor.start();

    const deadline = started + (deps.timeoutMs ?? 30 * 60_000);
    for (;;) {
      let done = 0n;
      let caughtUp = true;
      for (const t of targets) {
        const progress = BigInt((await store.partitionProgress(config.topics.events, t.partition)) ?? t.low);
        done += (progress < t.high ? progress : t.high) - t.low;
        if (progress < t.high) caughtUp = false;
      }
      deps.onProgress?.(done, total);
      if (caughtUp) break;
      if (Date.now() > deadline)
        throw new Error(`rebuild did not catch up within ${deps.timeoutMs ?? 1_800_000} ms`);
      await sleep(200);
    }
    // Mesh-wide figures of the new namespace before readers see it.
    await processor.refresh();
    await redis.set(keys.namespacePointer(prefix), to);
    switched = true;
    await redis.publish(keys.namespaceChannel(prefix), to);
    log.info({ from, to }, 'readers switched to the rebuilt namespace');
    await sleep(deps.graceMs ?? 5_000);
  } catch (error) {
    await processor.stop().catch(() => undefined);
    // Readers still use the old namespace: the half-built one and the replay's group are debris. (The
    // pointer is read back: a SET whose reply was lost may have switched readers all the same.)
    const current = await redis.get(keys.namespacePointer(prefix)).catch(() => to);
    if (!switched && current !== to) {
      await admin.deleteGroups([groupId]).catch(() => undefined);
      const removed = await unlinkNamespace(redis, prefix, to).catch(() => 0);
      log.warn({ err: error, to, removedKeys: removed }, 'rebuild failed; its namespace and group removed');
    }
    await admin.disconnect();
    await redis.del(keys.rebuildPointer(prefix));
    throw error;
  }

  await processor.stop();
  await admin.deleteGroups([groupId]).catch(() => undefined);
  await admin.disconnect();
  const deletedKeys = await unlinkNamespace(redis, prefix, from);
  await redis.del(keys.rebuildPointer(prefix));
  return { from, to, records: total, durationMs: Date.now() - started, deletedKeys };
}

/** Deletes every key of a namespace (SCAN + UNLINK, never KEYS; every master of a cluster); returns how many. */
function unlinkNamespace(redis: RedisClient, prefix: string, namespace: string): Promise<number> {
  return unlinkMatching(redis, `${prefix}:${namespace}:*`);
}
