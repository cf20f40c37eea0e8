import { expect } from 'vitest';
import { toScoringEvent, validateEvent } from '@mesh-momentum/events';
import {
  anchoredWeight,
  computeScores,
  contributionOf,
  dedupEvents,
  DEFAULT_SCORING_CONFIG,
  eventInScope,
  halfLifeMsOf,
  METRICS,
  type MeshScores,
  type Scope,
  type ScoringEvent,
} from '@mesh-momentum/scoring';
import {
  domainRef,
  type DomainScope,
  MESH_REF,
  type MomentumReader,
  moversKept,
  productRef,
  refKey,
  type StoredScore,
} from '@mesh-momentum/store';
import { expectSameScore } from './compare-scores.ts';
import { domainsOf, productsOf, scoreOf } from './scores.ts';

export function toScoring(events: readonly object[]): ScoringEvent[] {
  return events.map((e) => toScoringEvent(validateEvent(e, { nowMs: Date.now(), maxFutureSkewMs: 300_000 })));
}

/**
 * Compares every score in Redis with the reference computed at that score's own asOf (scores written
 * at different moments carry different asOf values; the reference is computed once per distinct one).
 */
export async function expectRedisMatchesReference(
  reader: MomentumReader,
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
  const distinct = dedupEvents(events);
  const domains = await domainsOf(reader);
  expect(domains).toEqual([...new Set(events.map((e) => e.domain))].sort());
  for (const domain of domains) {
    check(await scoreOf(reader, domainRef(domain)), (r) => r.domains[domain], domain);
    await expectMovers(reader, distinct, domain, { kind: 'domain' }, { kind: 'domain', id: domain });
    for (const productId of await productsOf(reader, domain)) {
      check(
        await scoreOf(reader, productRef(domain, productId)),
        (r) => r.products[productId],
        `${domain}/${productId}`,
      );
      await expectMovers(
        reader,
        distinct,
        domain,
        { kind: 'product', productId },
        { kind: 'product', id: productId },
      );
    }
  }
  check(await scoreOf(reader, MESH_REF), (r) => r.mesh, 'mesh');
}

/**
 * The movers set of a scope holds the events with the largest |anchored weight| (the planner leaves
 * out candidates it knows cannot enter, so this checks that filter too). Events tied at the cut-off
 * may be kept either way, so only those strictly above it must be there.
 */
async function expectMovers(
  reader: MomentumReader,
  distinct: readonly ScoringEvent[],
  domain: string,
  scope: DomainScope,
  referenceScope: Scope,
): Promise<void> {
  const kept = moversKept(scope);
  const config = DEFAULT_SCORING_CONFIG;
  for (const metric of METRICS) {
    const halfLife = halfLifeMsOf(config[metric]);
    const expected = distinct
      .filter((e) => eventInScope(e, referenceScope))
      .map((e) => ({
        id: e.id,
        w: Math.abs(
          anchoredWeight(contributionOf(e, config)[metric], e.timeMs, config.anchorEpochMs, halfLife),
        ),
      }))
      .filter((x) => x.w !== 0)
      .sort((a, b) => b.w - a.w);
    const top = expected.slice(0, kept);
    const cut = top.length === kept ? (top[kept - 1]?.w ?? 0) : 0;
    const sure = top.filter((x) => x.w > cut * (1 + 1e-12));
    const ref = scope.kind === 'domain' ? domainRef(domain) : productRef(domain, scope.productId);
    // One more than kept: a set the apply script failed to cut back shows.
    const movers = (await reader.snapshot())?.movers([ref], metric, kept + 1);
    const stored = ((await movers)?.get(refKey(ref)) ?? []).map((m) => m.id);
    const what = `movers of ${domain}/${scope.kind === 'domain' ? 'domain' : scope.productId} (${metric})`;
    expect(stored.length, what).toBe(top.length);
    expect(stored, what).toEqual(expect.arrayContaining(sure.map((x) => x.id)));
  }
}
