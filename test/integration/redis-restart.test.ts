import { afterEach, describe, expect, inject, it } from 'vitest';
import { simulateProgramme } from '@mesh-momentum/simulator';
import { MomentumReader } from '@mesh-momentum/store';
import { startPrivateRedis, waitFor, type PrivateRedis } from '@mesh-momentum/testing';
import { TestPipeline, processorConfig } from './support/pipeline.ts';
import { expectRedisMatchesReference, toScoring } from './support/reference.ts';
import { appliedEvents } from './support/scores.ts';

let pipeline: TestPipeline | undefined;
let redis: PrivateRedis | undefined;
afterEach(async () => {
  await pipeline?.close();
  await redis?.stop();
  pipeline = undefined;
  redis = undefined;
});

describe('Redis restarted mid-stream', () => {
  it('converges to the reference scores after Redis crashes, comes back with its last writes lost, and events arrive meanwhile', async () => {
    redis = await startPrivateRedis();
    pipeline = new TestPipeline(
      processorConfig(inject('services'), { name: 'redis-restart', env: { MM_REDIS_URL: redis.url } }),
    );
    pipeline.redis.on('error', () => undefined); // the test's own client sees the crash too
    await pipeline.createTopics();
    const endMs = Date.now() - 3_600_000;
    const first = simulateProgramme({ seed: 41, endMs, scale: 3 });
    const second = simulateProgramme({ seed: 42, endMs, scale: 1 });
    // After its first batch, the processor waits until the snapshot is taken, so the snapshot
    // (what Redis falls back to) certainly lacks events that were applied before the crash.
    let batches = 0;
    let snapshotTaken: () => void = () => undefined;
    const snapshotDone = new Promise<void>((r) => (snapshotTaken = r));
    const processor = await pipeline.startProcessor({
      beforeApply: async () => {
        if (++batches > 1) await snapshotDone;
      },
    });
    const reader = new MomentumReader(pipeline.redis, { prefix: pipeline.config.redis.keyPrefix });
    const applied = () => appliedEvents(reader);

    await pipeline.produce(first);
    await waitFor(async () => ((await applied()) > 0 ? true : undefined), {
      what: 'some events applied',
      intervalMs: 20,
    });
    redis.snapshot(); // what Redis will fall back to: every write after this is lost in the crash
    const atSnapshot = await applied();
    snapshotTaken();
    expect(atSnapshot, 'the crash will lose applied events').toBeLessThan(first.length);
    await waitFor(async () => ((await applied()) === first.length ? true : undefined), {
      what: 'the first events applied',
      timeoutMs: 60_000,
    });
    await redis.crash();
    await pipeline.produce(second); // arrives while Redis is down: the processor must wait, not drop
    await new Promise((r) => setTimeout(r, 1_500));
    await redis.restart({ fromSnapshot: true });

    const all = [...first, ...second];
    await waitFor(async () => ((await applied()) === all.length ? true : undefined), {
      what: `all ${all.length} events applied after the restart`,
      timeoutMs: 120_000,
      intervalMs: 250,
    });
    expect(processor.stats.deadLettered).toBe(0);
    await processor.stop();
    pipeline.processors.splice(0);
    await expectRedisMatchesReference(reader, toScoring(all));
  }, 240_000);
});
