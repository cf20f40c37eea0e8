import { describe, expect, it } from 'vitest';
import { DEFAULT_SCORING_CONFIG, type ScoringEvent } from '@mesh-momentum/scoring';
import { simulateProgramme } from '@mesh-momentum/simulator';
import { keys, type KeySpace, type RedisClient } from '@mesh-momentum/store';
import { ScoreStore } from '@mesh-momentum/store-writer';
import { toScoring } from './support/reference.ts';
import { byDomain, storeHarness } from './support/store-harness.ts';

/**
 * The writer sends only the score fields, rankings and stall flags that differ from its last write of a
 * scope. The same batches written by a store that knows its last writes and by one that forgets its
 * mirrors before every batch (so it writes every field, as a fresh instance does) must leave the same
 * score hashes, rankings and stalled sets, through stalls that start and end. A hash's field order is
 * not compared: Redis keeps insertion order only while a hash is a listpack, and a value longer than
 * hash-max-listpack-value (64 bytes; a stall's findings are longer) makes it a hash table, whose order
 * depends on the history of writes, which differs between the two stores by design.
 */
describe('score writes as differences', () => {
  const differences = storeHarness('score-differences');
  const whole = storeHarness('score-whole');

  /** Everything the scores of `domains` are stored in, in a comparable form. */
  async function scoresOf(redis: RedisClient, ks: KeySpace, domains: readonly string[]) {
    const out: Record<string, unknown> = {};
    for (const domain of domains) {
      const products = (await redis.smembers(keys.domainProducts(ks, domain))).sort();
      for (const scope of [
        { kind: 'domain' as const },
        ...products.map((productId) => ({ kind: 'product' as const, productId })),
      ]) {
        const hash = await redis.hgetall(keys.scopeScore(ks, domain, scope));
        out[`${domain} ${JSON.stringify(scope)}`] = Object.entries(hash).sort(([a], [b]) =>
          a.localeCompare(b),
        );
      }
      out[`${domain} momentum`] = await redis.zrange(
        keys.productRanking(ks, domain, 'momentum'),
        0,
        -1,
        'WITHSCORES',
      );
      out[`${domain} value`] = await redis.zrange(
        keys.productRanking(ks, domain, 'value'),
        0,
        -1,
        'WITHSCORES',
      );
      out[`${domain} stalled`] = (await redis.smembers(keys.stalledProducts(ks, domain))).sort();
    }
    return out;
  }

  it('leaves the same scores as writing every field every time, through stalls and a refresh', async () => {
    const events: ScoringEvent[] = toScoring(
      simulateProgramme({ seed: 77, endMs: Date.now() - 3_600_000, scale: 0.3 }),
    ).sort((a, b) => a.timeMs - b.timeMs);
    const domains = [...new Set(events.map((e) => e.domain))];
    const stores = [
      {
        harness: differences,
        store: new ScoreStore(differences.redis(), differences.ks, DEFAULT_SCORING_CONFIG),
      },
      { harness: whole, store: new ScoreStore(whole.redis(), whole.ks, DEFAULT_SCORING_CONFIG) },
    ];
    const epochs = await Promise.all(stores.map(({ store }) => store.takeEpoch('diff', 0)));
    const BATCH = 40;
    const everStalled = new Set<string>();
    let stallsEnded = 0;
    for (let from = 0; from < events.length; from += BATCH) {
      const slice = events.slice(from, from + BATCH);
      // Scored as of the batch's last event: over the programme's months, products go quiet and stall.
      const asOfMs = (slice.at(-1) as ScoringEvent).timeMs + 1;
      for (const [i, { store }] of stores.entries()) {
        if (i === 1) store.forgetMirrors();
        await store.applyPartitionBatch({
          topic: 'diff',
          partition: 0,
          epoch: epochs[i] as number,
          asOfMs,
          byDomain: byDomain(slice, from),
        });
      }
      for (const domain of domains) {
        const stalled = await differences.redis().smembers(keys.stalledProducts(differences.ks, domain));
        for (const p of everStalled)
          if (p.startsWith(`${domain} `) && !stalled.includes(p.slice(domain.length + 1))) {
            everStalled.delete(p);
            stallsEnded++;
          }
        for (const p of stalled) everStalled.add(`${domain} ${p}`);
      }
      if ((from / BATCH) % 10 === 9) {
        expect(await scoresOf(differences.redis(), differences.ks, domains)).toEqual(
          await scoresOf(whole.redis(), whole.ks, domains),
        );
      }
    }
    // The periodic refresh, three weeks after the last event: stalls start without any event.
    const later = (events.at(-1) as ScoringEvent).timeMs + 21 * 86_400_000;
    stores[1]?.store.forgetMirrors();
    for (const [i, { store }] of stores.entries()) {
      expect(await store.refreshOwned(later, () => epochs[i])).toBe(domains.length);
    }
    const after = await scoresOf(differences.redis(), differences.ks, domains);
    expect(after).toEqual(await scoresOf(whole.redis(), whole.ks, domains));
    expect(stallsEnded).toBeGreaterThan(0);
    expect(Object.entries(after).some(([k, v]) => k.endsWith(' stalled') && (v as string[]).length > 0)).toBe(
      true,
    );
  }, 120_000);
});
