import { afterEach, describe, expect, inject, it } from 'vitest';
import { simulateProgramme } from '@mesh-momentum/simulator';
import { MomentumReader } from '@mesh-momentum/store';
import { waitFor } from '@mesh-momentum/testing';
import { TestPipeline, processorConfig } from '../support/pipeline.ts';
import { appliedEvents } from '../support/scores.ts';

let pipeline: TestPipeline | undefined;
afterEach(async () => {
  await pipeline?.close();
  pipeline = undefined;
});

/** Sum of a gauge over its labels, as a Prometheus scrape would read it. */
async function gaugeSum(metrics: { getSingleMetric(name: string): unknown }, name: string): Promise<number> {
  const gauge = metrics.getSingleMetric(name) as { get(): Promise<{ values: { value: number }[] }> };
  return (await gauge.get()).values.reduce((sum, v) => sum + v.value, 0);
}

const lagOf = (metrics: { getSingleMetric(name: string): unknown }) =>
  gaugeSum(metrics, 'mm_processor_consumer_lag');

describe('a batch that makes no progress', () => {
  it('turns readiness false, reports the true lag, and is retried once the hang clears', async () => {
    pipeline = new TestPipeline(
      processorConfig(inject('services'), {
        name: 'stalled-batch',
        env: { MM_PROCESSOR_STALL_TIMEOUT_MS: '2000' },
      }),
    );
    await pipeline.createTopics();
    let hung = true;
    let attempts = 0;
    // Every attempt hangs (a dependency that never answers) until the test lets go.
    const processor = await pipeline.startProcessor({
      beforeApply: async () => {
        attempts += 1;
        while (hung) await new Promise((r) => setTimeout(r, 50));
      },
    });
    const events = simulateProgramme({ seed: 61, endMs: Date.now() - 3_600_000, scale: 1 });
    await pipeline.produce(events);

    const stuck = await waitFor(
      async () => {
        const { ready, checks } = await processor.health.ready();
        const lag = await lagOf(processor.metrics.registry);
        return !ready && checks['progressing'] === false && lag > 0 ? { checks, lag } : undefined;
      },
      { what: 'readiness false with the lag reported', timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(stuck.checks).toMatchObject({ consumerJoined: true, redis: true, registry: true });
    expect(stuck.lag).toBeGreaterThan(0);
    expect(attempts, 'abandoned attempts are retried').toBeGreaterThan(1);

    hung = false;
    const reader = new MomentumReader(pipeline.redis, { prefix: pipeline.config.redis.keyPrefix });
    await waitFor(async () => ((await appliedEvents(reader)) === events.length ? true : undefined), {
      what: `all ${events.length} events applied after the hang cleared`,
      timeoutMs: 60_000,
    });
    await waitFor(
      async () =>
        (await processor.health.ready()).ready && (await lagOf(processor.metrics.registry)) === 0
          ? true
          : undefined,
      { what: 'ready again with no lag', timeoutMs: 30_000, intervalMs: 250 },
    );
    // What the processor's memory grows with, mirrored afresh after the abandoned attempts.
    expect(await gaugeSum(processor.metrics.registry, 'mm_processor_mirror_scopes')).toBeGreaterThan(0);
    expect(await gaugeSum(processor.metrics.registry, 'mm_processor_mirror_day_buckets')).toBeGreaterThan(0);
  }, 120_000);
});
