import { describe, expect, it } from 'vitest';
import { DEFAULT_SCORING_CONFIG, type ScoringEvent } from '@mesh-momentum/scoring';
import { simulateProgramme } from '@mesh-momentum/simulator';
import { domainRef, MomentumReader, productRef } from '@mesh-momentum/store';
import { ScoreStore } from '@mesh-momentum/store-writer';
import { expectRedisMatchesReference, toScoring } from './support/reference.ts';
import { byDomain, storeHarness } from './support/store-harness.ts';
import { domainsOf, productsOf, scoreOf } from './support/scores.ts';

/**
 * The store leaves out mover candidates that cannot enter a full set, judging from what its mirror
 * knows (exact for what it wrote, a lower bound for what it found in Redis). Many small batches fill
 * the sets, and a fresh store midway starts from what Redis holds: the sets must still be the largest
 * contributions, and every score the reference's.
 */
describe('movers and scores over many small batches', () => {
  const harness = storeHarness('movers');

  it('keeps the largest contributions per scope through batches of a few events, a store restart and a refresh', async () => {
    const events: ScoringEvent[] = toScoring(
      simulateProgramme({ seed: 51, endMs: Date.now() - 3_600_000, scale: 0.5 }),
    );
    const { ks } = harness;
    const redis = harness.redis();
    const BATCH = 7;
    let store = new ScoreStore(redis, ks, DEFAULT_SCORING_CONFIG);
    let epoch = await store.takeEpoch('movers', 0);
    const asOfMs = Date.now();
    for (let from = 0, n = 0; from < events.length; from += BATCH, n++) {
      if (n === Math.floor(events.length / BATCH / 2)) {
        // Another instance takes over: no mirror, bounds read from Redis.
        store = new ScoreStore(redis, ks, DEFAULT_SCORING_CONFIG);
        epoch = await store.takeEpoch('movers', 0);
      }
      await store.applyPartitionBatch({
        topic: 'movers',
        partition: 0,
        epoch,
        asOfMs,
        byDomain: byDomain(events.slice(from, from + BATCH), from),
      });
    }
    await store.refreshMesh(asOfMs);
    const reader = new MomentumReader(redis, { prefix: ks.prefix });
    await expectRedisMatchesReference(reader, events);

    // The periodic refresh, three days on: every scope rewritten as of then, still the reference's.
    const later = asOfMs + 3 * 86_400_000;
    expect(await store.refreshOwned(later, () => epoch)).toBe((await domainsOf(reader)).length);
    await store.refreshMesh(later);
    for (const domain of await domainsOf(reader)) {
      expect((await scoreOf(reader, domainRef(domain)))?.asOfMs).toBe(later);
      for (const productId of await productsOf(reader, domain)) {
        expect((await scoreOf(reader, productRef(domain, productId)))?.asOfMs).toBe(later);
      }
    }
    await expectRedisMatchesReference(reader, events);
  }, 120_000);
});
