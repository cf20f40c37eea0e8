import { expect } from 'vitest';
import { validateEvent } from '@mesh-momentum/events';
import { toScoringEvent } from '@mesh-momentum/processor';
import {
  computeScores,
  DEFAULT_SCORING_CONFIG,
  type MeshScores,
  type ScoringEvent,
} from '@mesh-momentum/scoring';
import type { ScoreReader, StoredScore } from '@mesh-momentum/store';
import { expectSameScore } from './compare-scores.ts';

export function toScoring(events: readonly object[]): ScoringEvent[] {
  return events.map((e) => toScoringEvent(validateEvent(e, { nowMs: Date.now(), maxFutureSkewMs: 300_000 })));
}

/**
 * Compares every score in Redis with the reference computed at that score's own asOf (scores written
 * at different moments carry different asOf values; the reference is computed once per distinct one).
 */
export async function expectRedisMatchesReference(
  reader: ScoreReader,
  events: readonly ScoringEvent[],
): Promise<void> {
  const cache = new Map<number, MeshScores>();
  const referenceAt = (asOfMs: number) => {
    let r = cache.get(asOfMs);
    if (!r) cache.set(asOfMs, (r = computeScores(events, asOfMs, DEFAULT_SCORING_CONFIG)));
    return r;
  };
  const check = (stored: StoredScore | undefined, pick: (r: MeshScores) => unknown, what: string) => {
    expect(stored, `${what}: no score in Redis`).toBeDefined();
    if (stored) expectSameScore(stored, pick(referenceAt(stored.asOfMs)) as never, what);
  };
  const domains = await reader.domains();
  expect(domains).toEqual([...new Set(events.map((e) => e.domain))].sort());
  for (const domain of domains) {
    check(await reader.scopeScore(domain, { kind: 'domain' }), (r) => r.domains[domain], domain);
    for (const productId of await reader.products(domain)) {
      check(
        await reader.scopeScore(domain, { kind: 'product', productId }),
        (r) => r.products[productId],
        `${domain}/${productId}`,
      );
    }
  }
  check(await reader.meshScore(), (r) => r.mesh, 'mesh');
}
