import { afterEach, describe, expect, inject, it } from 'vitest';
import { toScoringEvent, validateEvent } from '@mesh-momentum/events';
import { computeScores, DEFAULT_SCORING_CONFIG } from '@mesh-momentum/scoring';
import { simulateProgramme, shuffled, withDuplicates } from '@mesh-momentum/simulator';
import { domainRef, MESH_REF, MomentumReader, productRef } from '@mesh-momentum/store';
import { waitFor } from '@mesh-momentum/testing';
import { TestPipeline, processorConfig } from './support/pipeline.ts';
import { expectSameScore } from './support/compare-scores.ts';
import { appliedEvents, domainsOf, productsOf, scoreOf } from './support/scores.ts';

/**
 * The contract of the SPEC's "Scores" section, end to end: after a simulated year of a programme goes
 * through Kafka and the processor, the scores in Redis equal what packages/scoring computes in-process
 * from the same events — however the events are delivered.
 */
const END_MS = Date.parse('2026-06-01T00:00:00Z');
const AS_OF_MS = END_MS + 3_600_000;
const programme = simulateProgramme({ seed: 11, endMs: END_MS });
/**
 * A catalog read for the first time a day before the end (docs/scoring.md, "Existing products"): every
 * third published product found again under another owner team, and two products nothing else names.
 * They weigh nothing; they change owners, event counts and the product lists, which Redis must agree on.
 */
const DISCOVERED_AT_MS = END_MS - 86_400_000;
const published = [
  ...new Map(
    programme.flatMap((e) => (e.type === 'DataProductPublished' ? [[e.productId, e.domain] as const] : [])),
  ),
];
const discoveries = [
  ...published.filter((_, i) => i % 3 === 0),
  ['payments.catalogued-only', 'payments'] as const,
  ['hr.catalogued-only', 'hr'] as const,
].map(([productId, domain]) => ({
  id: `discovered-${productId}`,
  source: 'urn:test:catalog',
  type: 'DataProductDiscovered' as const,
  time: DISCOVERED_AT_MS,
  subject: productId,
  domain,
  productId,
  name: productId,
  ownerTeam: 'catalog-owners',
}));
const events = [...programme, ...discoveries];
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

async function runScenario(
  name: string,
  delivered: readonly object[],
  processors: number,
  env: Readonly<Record<string, string>> = {},
): Promise<TestPipeline> {
  pipeline = new TestPipeline(processorConfig(inject('services'), { name, env }));
  await pipeline.createTopics();
  const running = await Promise.all(
    Array.from({ length: processors }, () => pipeline!.startProcessor({ clock: () => AS_OF_MS })),
  );
  await pipeline.produce(delivered);

  const reader = new MomentumReader(pipeline.redis, { prefix: pipeline.config.redis.keyPrefix });
  const domains = Object.keys(reference.domains).sort();
  await waitFor(async () => ((await appliedEvents(reader)) === events.length ? true : undefined), {
    what: `all ${events.length} distinct events applied`,
    timeoutMs: 150_000,
    intervalMs: 250,
  });
  // The mesh-wide figures are derived on the tick; run one now instead of waiting for it.
  await running[0]!.refresh();

  expect(await domainsOf(reader)).toEqual(domains);
  for (const domain of domains) {
    expectSameScore(await scoreOf(reader, domainRef(domain)), reference.domains[domain]!, domain);
    for (const productId of await productsOf(reader, domain)) {
      expectSameScore(
        await scoreOf(reader, productRef(domain, productId)),
        reference.products[productId]!,
        `${domain}/${productId}`,
      );
    }
  }
  expect((await productsOf(reader, 'payments')).length).toBeGreaterThan(3);
  const catalogued = await scoreOf(reader, productRef('payments', 'payments.catalogued-only'));
  expect(catalogued?.ownerTeam).toBe('catalog-owners');
  expect(catalogued?.momentum.score).toBe(0);
  expectSameScore(await scoreOf(reader, MESH_REF), reference.mesh, 'mesh');

  const total = running.reduce((sum, p) => sum + p.stats.applied, 0);
  expect(total, 'distinct events applied across processors').toBe(events.length);
  return pipeline;
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

  it('when the in-memory mirrors may hold a fraction of the domains (read again from Redis)', async () => {
    // 0.25 MiB ≈ 1,600 day buckets, a third of what the programme's four domains hold (~5,000):
    // batches and the tick's refresh keep dropping and re-reading domains; no score may change.
    const run = await runScenario('reference-small-mirrors', shuffled(events, 5), 1, {
      MM_PROCESSOR_MIRROR_MB: '0.25',
    });
    const stats = run.processors[0]!.store.mirrorStats();
    expect(stats.domains, `mirrors dropped for the budget: ${JSON.stringify(stats)}`).toBeLessThan(
      Object.keys(reference.domains).length,
    );
  }, 180_000);
});
