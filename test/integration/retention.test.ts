import { describe, expect, it } from 'vitest';
import {
  computeScopeScore,
  DAY_MS,
  DEFAULT_SCORING_CONFIG,
  retentionCutoffs,
  type ScoringEvent,
} from '@mesh-momentum/scoring';
import { simulateProgramme } from '@mesh-momentum/simulator';
import { domainRef, keys, MomentumReader, type ReadSnapshot } from '@mesh-momentum/store';
import { ScoreStore } from '@mesh-momentum/store-writer';
import { expectRedisMatchesReference, toScoring } from './support/reference.ts';
import { byDomain, storeHarness } from './support/store-harness.ts';

/**
 * Retention in Redis: three years of a programme leave day buckets older than the retained days folded
 * (sums) or dropped (counts) in the aggregate hashes, and every score, the history a reader computes,
 * and a fresh writer's mirror loaded from the compacted hashes still agree with the reference, which
 * keeps every event.
 */
const END_MS = Date.parse('2026-06-01T00:00:00Z');
const AS_OF = END_MS + 3_600_000;
const config = DEFAULT_SCORING_CONFIG;
const events: ScoringEvent[] = toScoring(
  simulateProgramme({ seed: 21, startMs: END_MS - 3 * 365 * DAY_MS, endMs: END_MS, scale: 0.5 }),
);

describe('retention of day buckets', () => {
  const harness = storeHarness('retention');

  it('keeps the retained days only, and scores and history equal the reference', async () => {
    const redis = harness.redis();
    const { ks } = harness;
    let store = new ScoreStore(redis, ks, config);
    let epoch = await store.takeEpoch('retention', 0);
    // The last events wait for a second writer (below).
    const first = events.slice(0, -300);
    for (let from = 0; from < first.length; from += 1_000) {
      const batch = byDomain(first.slice(from, from + 1_000), from);
      await store.applyPartitionBatch({
        topic: 'retention',
        partition: 0,
        epoch,
        asOfMs: AS_OF,
        byDomain: batch,
      });
    }
    // A day later the refresh compacts every scope (each once per day), also what late batches added.
    const nextDay = AS_OF + DAY_MS;
    await store.refreshOwned(nextDay, () => epoch);
    await store.refreshMesh(nextDay);

    const { sumsBeforeDay, countsBeforeDay } = retentionCutoffs(nextDay, config);
    const aggregate = await redis.hgetall(keys.scopeAggregate(ks, 'payments', { kind: 'domain' }));
    const dayOf = (field: string) => Number(field.split(':')[field.startsWith('d:') ? 2 : 1]);
    const oldSums = Object.keys(aggregate).filter(
      (f) => f.startsWith('d:momentum:') && dayOf(f) < sumsBeforeDay,
    );
    expect(oldSums).toHaveLength(1); // the fold bucket
    const oldCounts = Object.keys(aggregate).filter((f) => f.startsWith('c:') && dayOf(f) < countsBeforeDay);
    expect(
      oldCounts.every((f) => /:DataProduct(Published|Retired)$/.test(f)),
      oldCounts.join(),
    ).toBe(true);
    const firstDay = Math.floor(Math.min(...events.map((e) => e.timeMs)) / DAY_MS);
    expect(firstDay).toBeLessThan(countsBeforeDay - 100);

    const reader = new MomentumReader(redis, { prefix: ks.prefix });
    await expectRedisMatchesReference(reader, first);

    // History from the compacted buckets, against the reference at past midnights.
    const snap = (await new MomentumReader(redis, { prefix: ks.prefix }).snapshot()) as ReadSnapshot;
    const history = (await snap.history(domainRef('payments'), { days: 400 }))!;
    for (const back of [0, 1, 120, 399]) {
      const point = history.points.at(-1 - back)!;
      const past = computeScopeScore(
        first.filter((e) => e.timeMs < point.atMs),
        { kind: 'domain', id: 'payments' },
        point.atMs,
        config,
      );
      const tolerance = 1e-9 * Math.max(1, Math.abs(past.momentum.raw));
      expect(Math.abs(point.momentum.raw - past.momentum.raw), `−${back}d`).toBeLessThanOrEqual(tolerance);
    }

    // Another writer loads its mirror from the compacted hashes and moves on: still the reference.
    store = new ScoreStore(redis, ks, config);
    epoch = await store.takeEpoch('retention', 0);
    const later = nextDay + 40 * DAY_MS;
    const tail = byDomain(events.slice(-300), first.length);
    expect(tail.size).toBeGreaterThan(1);
    await store.applyPartitionBatch({
      topic: 'retention',
      partition: 0,
      epoch,
      asOfMs: later,
      byDomain: tail,
    });
    expect(await store.refreshOwned(later, () => epoch)).toBe(tail.size);
    await store.refreshMesh(later);
    await expectRedisMatchesReference(reader, events);
  }, 180_000);
});
