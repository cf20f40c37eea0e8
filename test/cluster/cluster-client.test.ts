import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '@mesh-momentum/common';
import { connectRedis, createRedis, nonDurableClusterMasters } from '@mesh-momentum/service-kit';
import {
  execPerNode,
  isCluster,
  keys,
  parseChangeMessage,
  scanKeys,
  slotOf,
  unlinkMatching,
  type RedisClient,
  type ScoresChanged,
} from '@mesh-momentum/store';
import { isolatedConfig, startPrivateRedisCluster, waitFor } from '@mesh-momentum/testing';
import { processorConfig, TestPipeline } from '../integration/support/pipeline.ts';

let redis: RedisClient;
let prefix: string;
beforeAll(() => {
  const config = isolatedConfig(inject('services'), { name: 'cluster-client' });
  prefix = config.redis.keyPrefix;
  redis = createRedis(config.redis, createLogger({ name: 'test', level: 'warn' }));
});
afterAll(async () => {
  await unlinkMatching(redis, `${prefix}:*`);
  redis.disconnect();
});

/** The cluster-aware helpers of @mesh-momentum/store against the real Redis Cluster. */
describe('Redis Cluster client helpers', () => {
  it('is a Cluster client with three masters', async () => {
    expect(isCluster(redis)).toBe(true);
    expect(await redis.ping()).toBe('PONG');
    if (isCluster(redis)) expect(redis.nodes('master')).toHaveLength(3);
  });

  it('sends commands over many slots in one pipeline per node and answers in the order given', async () => {
    const tags = Array.from({ length: 300 }, (_, i) => `d${i}`);
    const keyOf = (tag: string) => `${prefix}:v1:{${tag}}:n`;
    const writes = await execPerNode(
      redis,
      tags.map((tag, i) => ({ key: keyOf(tag), queue: (p) => p.set(keyOf(tag), String(i)) })),
    );
    expect(writes.every(([error, reply]) => error === null && reply === 'OK')).toBe(true);
    const reads = await execPerNode(
      redis,
      tags.map((tag) => ({ key: keyOf(tag), queue: (p) => p.get(keyOf(tag)) })),
    );
    expect(reads.map(([, value]) => Number(value))).toEqual(tags.map((_, i) => i));
    expect(new Set(tags.map((t) => slotOf(keyOf(t)))).size).toBeGreaterThan(250);
  });

  it('scans every master, in batches of one slot each, and unlinks what it found', async () => {
    // A client that has not sent a command yet (lazyConnect) knows no nodes: scanning still finds all.
    const fresh = createRedis(
      isolatedConfig(inject('services'), { name: 'cluster-client-fresh' }).redis,
      createLogger({ name: 'test', level: 'warn' }),
    );
    try {
      expect(await unlinkMatching(fresh, `${prefix}:v1:{d0}*`)).toBe(1);
    } finally {
      fresh.disconnect();
    }
    const found: string[] = [];
    for await (const batch of scanKeys(redis, `${prefix}:v1:*`, 50)) {
      expect(new Set(batch.map(slotOf)).size).toBe(1);
      found.push(...batch);
    }
    expect(found).toHaveLength(299);
    expect(await unlinkMatching(redis, `${prefix}:v1:*`)).toBe(299);
    expect(await unlinkMatching(redis, `${prefix}:v1:*`)).toBe(0);
  });

  it("delivers the processor's change notifications to a cluster subscriber", async () => {
    const pipeline = new TestPipeline(processorConfig(inject('services'), { name: 'cluster-pubsub' }));
    const subscriber = pipeline.redis.duplicate();
    try {
      await pipeline.createTopics();
      const messages: string[] = [];
      subscriber.on('message', (_channel: string, message: string) => messages.push(message));
      await subscriber.subscribe(
        keys.changesChannel({ prefix: pipeline.config.redis.keyPrefix, namespace: 'v1' }),
      );
      await pipeline.startProcessor();
      await pipeline.produce(
        ['payments', 'marketing', 'logistics'].map((domain, i) => ({
          id: `pubsub-${i}`,
          source: 'urn:test',
          type: 'ChampionGained',
          time: Date.now() - 60_000,
          subject: 'p-1',
          domain,
          personId: 'p-1',
          role: 'champion',
        })),
      );
      // One `scores` message per applied batch and domain, whichever master holds the domain. The mesh
      // refresh that follows the group join publishes a `mesh` message too, whenever it runs.
      const scores = () =>
        messages.map(parseChangeMessage).filter((m): m is ScoresChanged => m?.t === 'scores');
      const applied = () => scores().reduce((sum, m) => sum + m.n, 0);
      await waitFor(() => (applied() >= 3 ? true : undefined), {
        what: 'three events in change notifications',
      });
      expect(applied()).toBe(3);
      expect(new Set(scores().map((m) => m.d))).toEqual(new Set(['payments', 'marketing', 'logistics']));
    } finally {
      subscriber.disconnect();
      await pipeline.close();
    }
  });
});

describe('durability check of the cluster masters', () => {
  it('names the masters whose AOF is not fsynced on every write', async () => {
    const cluster = await startPrivateRedisCluster();
    const config = isolatedConfig(inject('services'), {
      name: 'durability',
      env: { MM_REDIS_CLUSTER_NODES: cluster.nodes },
    });
    const client = createRedis(config.redis, createLogger({ name: 'test', level: 'warn' }));
    try {
      await connectRedis(client, config.redis);
      expect(await nonDurableClusterMasters(client)).toEqual([]);
      const weak = cluster.masters[1];
      if (!weak) throw new Error('no second master');
      if (isCluster(client)) {
        const node = client.nodes('master').find((n) => n.options.port === weak.port);
        await node?.config('SET', 'appendfsync', 'everysec');
      }
      expect(await nonDurableClusterMasters(client)).toEqual([`127.0.0.1:${weak.port}`]);
    } finally {
      client.disconnect();
      await cluster.stop();
    }
  });
});
