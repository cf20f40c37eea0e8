import { afterEach, describe, expect, inject, it } from 'vitest';
import { toScoringEvent, validateEvent } from '@mesh-momentum/events';
import { computeScores, DEFAULT_SCORING_CONFIG } from '@mesh-momentum/scoring';
import { simulateProgramme, shuffled, withDuplicates } from '@mesh-momentum/simulator';
import { ScoreReader } from '@mesh-momentum/store';
import { waitFor } from '@mesh-momentum/testing';
import { TestPipeline, processorConfig } from './support/pipeline.ts';
import { expectSameScore } from './support/compare-scores.ts';

/**
 * The contract of the SPEC's "Scores" section, end to end: after a simulated year of a programme goes
 * through Kafka and the processor, the scores in Redis equal what packages/scoring computes in-process
 * from the same events — however the events are delivered.
 */
const END_MS = Date.parse('2026-06-01T00:00:00Z');
const AS_OF_MS = END_MS + 3_600_000;
const events = simulateProgramme({ seed: 11, endMs: END_MS });
const reference = computeScores(
  events.map((e) => toScoringEvent(validateEvent(e, { nowMs: AS_OF_MS, maxFutureSkewMs: 0 }))),
  AS_OF_MS,
  DEFAULT_SCORING_CONFIG,
);

let pipeline: TestPipeline | undefined;
afterEach(async () => {
  await pipeline?.close();
  pipeline = undefined;
});

async function runScenario(name: string, delivered: readonly object[], processors: number): Promise<void> {
  pipeline = new TestPipeline(processorConfig(inject('services'), { name }));
  await pipeline.createTopics();
  const running = await Promise.all(
    Array.from({ length: processors }, () => pipeline!.startProcessor({ clock: () => AS_OF_MS })),
  );
  await pipeline.produce(delivered);

  const reader = new ScoreReader(pipeline.redis, pipeline.config.redis.keyPrefix);
  const domains = Object.keys(reference.domains).sort();
  await waitFor(
    async () => {
      const scores = await Promise.all(domains.map((d) => reader.scopeScore(d, { kind: 'domain' })));
      const applied = scores.reduce((sum, s) => sum + (s?.eventCount ?? 0), 0);
      return applied === events.length ? true : undefined;
    },
    { what: `all ${events.length} distinct events applied`, timeoutMs: 150_000, intervalMs: 250 },
  );
  // The mesh-wide figures are derived on the tick; run one now instead of waiting for it.
  await running[0]!.refresh();

  expect(await reader.domains()).toEqual(domains);
  for (const domain of domains) {
    expectSameScore(await reader.scopeScore(domain, { kind: 'domain' }), reference.domains[domain]!, domain);
    for (const productId of await reader.products(domain)) {
      expectSameScore(
        await reader.scopeScore(domain, { kind: 'product', productId }),
        reference.products[productId]!,
        `${domain}/${productId}`,
      );
    }
  }
  expect((await reader.products('payments')).length).toBeGreaterThan(3);
  expectSameScore(await reader.meshScore(), reference.mesh, 'mesh');

  const total = running.reduce((sum, p) => sum + p.stats.applied, 0);
  expect(total, 'distinct events applied across processors').toBe(events.length);
}

describe('scores in Redis equal the in-process reference (1e-13)', () => {
  it('for a simulated year delivered once, in time order', async () => {
    await runScenario('reference-once', events, 1);
  }, 180_000);

  it('when every event is delivered twice and the order is shuffled', async () => {
    await runScenario('reference-twice-shuffled', shuffled(withDuplicates(events, 5, 1), 9), 1);
  }, 180_000);

  it('when two processor instances share the six partitions', async () => {
    await runScenario('reference-two-instances', shuffled(events, 3), 2);
  }, 180_000);
});
