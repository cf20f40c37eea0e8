import { afterEach, describe, expect, inject, it } from 'vitest';
import { rebuildScores } from '@mesh-momentum/processor';
import { DEFAULT_SCORING_CONFIG } from '@mesh-momentum/scoring';
import { simulateProgramme } from '@mesh-momentum/simulator';
import { MomentumReader } from '@mesh-momentum/store';
import { waitFor } from '@mesh-momentum/testing';
import { TestPipeline, processorConfig } from './support/pipeline.ts';
import { expectRedisMatchesReference, toScoring } from './support/reference.ts';
import { appliedEvents } from './support/scores.ts';

let pipeline: TestPipeline | undefined;
afterEach(async () => {
  await pipeline?.close();
  pipeline = undefined;
});

describe('rebuild', () => {
  it('replays the topic into a fresh namespace while the live processor runs, switches readers, and loses nothing', async () => {
    pipeline = new TestPipeline(processorConfig(inject('services'), { name: 'rebuild' }));
    await pipeline.createTopics();
    const live = await pipeline.startProcessor();
    const reader = new MomentumReader(pipeline.redis, { prefix: pipeline.config.redis.keyPrefix });
    const applied = () => appliedEvents(reader);
    const endMs = Date.now() - 3_600_000;
    const before = simulateProgramme({ seed: 31, endMs });
    const during = simulateProgramme({ seed: 32, endMs, scale: 0.3 });
    const after = simulateProgramme({ seed: 33, endMs, scale: 0.2 });

    await pipeline.produce(before);
    await waitFor(async () => ((await applied()) === before.length ? true : undefined), {
      what: 'the first events applied by the live processor',
      timeoutMs: 60_000,
    });
    expect(await reader.namespace()).toBe('v1');

    const rebuild = rebuildScores({
      config: pipeline.config,
      scoring: DEFAULT_SCORING_CONFIG,
      kafka: pipeline.kafka,
      redis: pipeline.redis,
      codec: pipeline.codec,
      logger: pipeline.logger,
      graceMs: 2_500,
    });
    await pipeline.produce(during); // new events keep arriving while the rebuild replays
    const result = await rebuild;
    expect(result).toMatchObject({ from: 'v1', to: 'v2' });
    expect(result.records).toBeGreaterThanOrEqual(BigInt(before.length));
    expect(result.deletedKeys).toBeGreaterThan(0);
    expect(await reader.namespace()).toBe('v2');
    expect(await pipeline.keysMatching(`${pipeline.config.redis.keyPrefix}:v1:*`)).toEqual([]);

    await pipeline.produce(after); // the live processor follows the switch and keeps going in v2
    const all = [...before, ...during, ...after];
    await waitFor(async () => ((await applied()) === all.length ? true : undefined), {
      what: `all ${all.length} events in the rebuilt namespace`,
      timeoutMs: 90_000,
      intervalMs: 250,
    });
    expect(live.namespace).toBe('v2');
    await live.stop();
    pipeline.processors.splice(0);
    await expectRedisMatchesReference(reader, toScoring(all));
  }, 240_000);

  it('removes its half-built namespace and consumer group when it fails, and leaves readers where they were', async () => {
    pipeline = new TestPipeline(processorConfig(inject('services'), { name: 'rebuild-fails' }));
    await pipeline.createTopics();
    const reader = new MomentumReader(pipeline.redis, { prefix: pipeline.config.redis.keyPrefix });
    const events = simulateProgramme({ seed: 41, endMs: Date.now() - 3_600_000, scale: 0.5 });
    await pipeline.produce(events);
    const prefix = pipeline.config.redis.keyPrefix;

    const failing = rebuildScores({
      config: pipeline.config,
      scoring: DEFAULT_SCORING_CONFIG,
      kafka: pipeline.kafka,
      redis: pipeline.redis,
      codec: pipeline.codec,
      logger: pipeline.logger,
      // Fails once the new namespace has some events in it (the callback runs inside the replay loop).
      onProgress: (done) => {
        if (done > 0n) throw new Error('interrupted mid-replay');
      },
    });
    await expect(failing).rejects.toThrow(/interrupted mid-replay/);

    expect(await reader.namespace()).toBe('v1');
    expect(await pipeline.keysMatching(`${prefix}:v2:*`)).toEqual([]);
    expect(await pipeline.redis.get(`${prefix}:namespace:rebuilding`)).toBeNull();
    const admin = pipeline.kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.listGroups();
      expect(groups.map((g) => g.groupId)).not.toContain(`${pipeline.config.processor.groupId}.rebuild.v2`);
    } finally {
      await admin.disconnect();
    }
  }, 120_000);
});
