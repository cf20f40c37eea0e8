import { afterAll, beforeAll, inject } from 'vitest';
import { createLogger } from '@mesh-momentum/common';
import type { ScoringEvent } from '@mesh-momentum/scoring';
import { createRedis } from '@mesh-momentum/service-kit';
import {
  INITIAL_NAMESPACE,
  keys,
  unlinkMatching,
  type KeySpace,
  type RedisClient,
} from '@mesh-momentum/store';
import type { BatchEvent, ScoreStore } from '@mesh-momentum/store-writer';
import { processorConfig } from './pipeline.ts';

/**
 * For tests that drive a ScoreStore directly (no Kafka): a Redis connection (the services' client: a
 * Cluster in the integration-cluster project) and a key space of their own, with the namespace pointer
 * set so readers find it, and every key removed afterwards. Call it in a describe block; `redis()` is
 * valid inside its tests.
 */
export function storeHarness(name: string): { readonly ks: KeySpace; redis(): RedisClient } {
  const config = processorConfig(inject('services'), { name });
  const ks: KeySpace = { prefix: config.redis.keyPrefix, namespace: INITIAL_NAMESPACE };
  let redis: RedisClient | undefined;
  beforeAll(async () => {
    redis = createRedis(config.redis, createLogger({ name: 'test', level: config.logLevel }));
    await redis.set(keys.namespacePointer(ks.prefix), ks.namespace);
  });
  afterAll(async () => {
    if (!redis) return;
    await unlinkMatching(redis, `${ks.prefix}:*`);
    redis.disconnect();
  });
  return {
    ks,
    redis: () => {
      if (!redis) throw new Error('storeHarness: redis() is only available inside tests');
      return redis;
    },
  };
}

/** Events as one partition batch would carry them: by domain, at consecutive offsets, recorded now. */
export function byDomain(events: readonly ScoringEvent[], firstOffset: number): Map<string, BatchEvent[]> {
  const result = new Map<string, BatchEvent[]>();
  const recordTimeMs = Date.now();
  events.forEach((event, i) => {
    const list = result.get(event.domain) ?? [];
    list.push({
      offset: String(firstOffset + i),
      recordTimeMs,
      dedupKey: `${event.source}|${event.id}`,
      event,
    });
    result.set(event.domain, list);
  });
  return result;
}

/**
 * Applies events to partition 0 of `topic` as the processor would, one call per batch: the partition's
 * epoch taken once, every batch scored as of `asOfMs`, offsets from `firstOffset` on.
 */
export async function partitionApplier(
  store: ScoreStore,
  topic: string,
  asOfMs = Date.now(),
): Promise<
  (events: readonly ScoringEvent[], firstOffset: number) => ReturnType<ScoreStore['applyPartitionBatch']>
> {
  const epoch = await store.takeEpoch(topic, 0);
  return (events, firstOffset) =>
    store.applyPartitionBatch({
      topic,
      partition: 0,
      epoch,
      asOfMs,
      byDomain: byDomain(events, firstOffset),
    });
}
