import { describe, expect, it } from 'vitest';
import {
  computeScopeScore,
  computeScores,
  DAY_MS,
  DEFAULT_SCORING_CONFIG,
  type MeshScores,
  type ScopeScore,
  type ScoringEvent,
} from '@mesh-momentum/scoring';
import { simulateProgramme } from '@mesh-momentum/simulator';
import {
  ChangeFeed,
  domainRef,
  keys,
  MESH_REF,
  MomentumReader,
  productRef,
  type ReadSnapshot,
  refKey,
  type ScopeRef,
  type ScoresUpdate,
  type StallTransition,
} from '@mesh-momentum/store';
import { ScoreStore } from '@mesh-momentum/store-writer';
import { waitFor } from '@mesh-momentum/testing';
import { expectRedisMatchesReference, toScoring } from './support/reference.ts';
import { byDomain, storeHarness } from './support/store-harness.ts';

/**
 * The reader API against the reference, after the real write engine (ScoreStore and its Lua script on
 * a real Redis) applied a simulated year: rankings, the mesh-wide product ranking, rank look-up,
 * stalled scopes with their reason and start, movers, a year of history, and the change notifications
 * (including stalls flipped by decay alone in the periodic refresh) with catch-up after missed messages.
 */
const END_MS = Date.parse('2026-06-01T00:00:00Z');
const AS_OF = END_MS + 3_600_000;
const events: ScoringEvent[] = toScoring(simulateProgramme({ seed: 11, endMs: END_MS }));
const config = DEFAULT_SCORING_CONFIG;
const reference = computeScores(events, AS_OF, config);

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

/** Every scope of the reference with its score, as reader refs. */
function referenceScopes(r: MeshScores, products: Map<string, string[]>): [ScopeRef, ScopeScore][] {
  const out: [ScopeRef, ScopeScore][] = [[MESH_REF, r.mesh]];
  for (const [domain, ids] of products) {
    out.push([domainRef(domain), r.domains[domain]!]);
    for (const id of ids) out.push([productRef(domain, id), r.products[id]!]);
  }
  return out;
}

function stalledSet(r: MeshScores, products: Map<string, string[]>): Map<string, string | undefined> {
  return new Map(
    referenceScopes(r, products)
      .filter(([, s]) => s.stall.stalled)
      .map(([ref, s]) => [refKey(ref), s.stall.reason]),
  );
}

describe('the reader API after real processing equals the reference', () => {
  const harness = storeHarness('reader-contract');

  it('reads rankings, stalled scopes, movers, history and notifications, and catches up', async () => {
    const redis = harness.redis();
    const { ks } = harness;
    const reader = new MomentumReader(redis, { prefix: ks.prefix });
    const scopes: ScoresUpdate[] = [];
    const stalls: StallTransition[] = [];
    const listener = redis.duplicate();
    const feed = new ChangeFeed(reader, listener, {
      onScores: (u) => void scopes.push(u),
      onStall: (t) => void stalls.push(t),
    });
    await feed.start();

    const store = new ScoreStore(redis, ks, config);
    const epoch = await store.takeEpoch('reader', 0);
    for (let from = 0; from < events.length; from += 500) {
      const byD = byDomain(events.slice(from, from + 500), from);
      await store.applyPartitionBatch({ topic: 'reader', partition: 0, epoch, asOfMs: AS_OF, byDomain: byD });
    }
    await store.refreshMesh(AS_OF);
    await expectRedisMatchesReference(new MomentumReader(redis, { prefix: ks.prefix }), events);

    const snap = (await reader.snapshot()) as ReadSnapshot;
    expect(snap.namespace).toBe(ks.namespace);
    const products = await snap.products();
    const domains = [...products.keys()];
    expect(domains).toEqual(Object.keys(reference.domains).sort());

    // ---- rankings ------------------------------------------------------------------------------
    const domainPage = await snap.ranking({ of: 'domains', metric: 'momentum', limit: 100 });
    expect(domainPage.total).toBe(domains.length);
    const byMomentum = domains.map((d) => reference.domains[d]!.momentum.score).sort((a, b) => b - a);
    domainPage.entries.forEach((e, i) => {
      expect(e.position).toBe(i + 1);
      expect(close(e.score, byMomentum[i]!), `domain ${i}`).toBe(true);
      expect(e.ref.kind === 'domain' && close(reference.domains[e.ref.domain]!.momentum.score, e.score)).toBe(
        true,
      );
    });
    const ascending = await snap.ranking({
      of: 'domains',
      metric: 'momentum',
      order: 'asc',
      limit: 2,
      offset: 1,
    });
    expect(ascending.entries.map((e) => e.score)).toEqual(
      [...byMomentum]
        .reverse()
        .slice(1, 3)
        .map((x) => expect.closeTo(x, 9)),
    );

    const allProducts = Object.values(reference.products)
      .map((s) => s.value.score)
      .sort((a, b) => b - a);
    const meshPage = await snap.ranking({ of: 'products', metric: 'value', offset: 3, limit: 5 });
    expect(meshPage.total).toBe(allProducts.length);
    expect(meshPage.entries.map((e) => e.position)).toEqual([4, 5, 6, 7, 8]);
    meshPage.entries.forEach((e, i) =>
      expect(close(e.score, allProducts[3 + i]!), `product ${i}`).toBe(true),
    );
    const inDomain = await snap.ranking({ of: 'products', domain: 'payments', metric: 'momentum', limit: 3 });
    expect(inDomain.total).toBe(products.get('payments')!.length);
    const paymentsTop = products
      .get('payments')!
      .map((id) => reference.products[id]!.momentum.score)
      .sort((a, b) => b - a);
    inDomain.entries.forEach((e, i) => expect(close(e.score, paymentsTop[i]!)).toBe(true));

    const probe = meshPage.entries[2]!.ref;
    const rank = await snap.rankOf(probe, 'value', 'mesh');
    const s = rank!.score;
    expect(rank!.total).toBe(allProducts.length);
    expect(rank!.rank).toBeGreaterThanOrEqual(
      1 + allProducts.filter((x) => x > s * (1 + 1e-9) + 1e-9).length,
    );
    expect(rank!.rank).toBeLessThanOrEqual(1 + allProducts.filter((x) => x > s * (1 - 1e-9) - 1e-9).length);
    expect(await snap.rankOf(MESH_REF, 'value')).toBeUndefined();

    // ---- stalled scopes --------------------------------------------------------------------------
    const expectedStalled = stalledSet(reference, products);
    expect(expectedStalled.size).toBeGreaterThan(0);
    const stalled = await snap.stalled();
    expect(new Map(stalled.map((x) => [refKey(x.ref), x.reason]))).toEqual(expectedStalled);
    for (const x of stalled) expect(x.stalledSinceMs, refKey(x.ref)).toBe(AS_OF);

    // ---- movers (the full comparison is in expectRedisMatchesReference) ---------------------------
    const movers = await snap.movers([domainRef('payments'), MESH_REF], 'momentum', 5);
    expect(movers.get('payments')).toHaveLength(5);
    expect(movers.has('mesh')).toBe(false);

    // ---- history ---------------------------------------------------------------------------------
    const someProduct = productRef('payments', products.get('payments')![0]!);
    const histories = await snap.histories([MESH_REF, domainRef('payments'), someProduct]);
    for (const [ref, stored] of [
      [MESH_REF, reference.mesh],
      [domainRef('payments'), reference.domains['payments']!],
      [someProduct, reference.products[(someProduct as { productId: string }).productId]!],
    ] as const) {
      const h = histories.get(refKey(ref))!;
      expect(h.points).toHaveLength(365);
      expect(h.asOfMs).toBe(AS_OF);
      expect(close(h.points.at(-1)!.momentum.raw, stored.momentum.raw)).toBe(true);
      expect(close(h.points.at(-1)!.value.score, stored.value.score)).toBe(true);
      for (const back of [1, 45, 200, 364]) {
        const point = h.points.at(-1 - back)!;
        expect(point.atMs).toBe((Math.floor(AS_OF / DAY_MS) - back + 1) * DAY_MS);
        const scope =
          ref.kind === 'mesh'
            ? ({ kind: 'mesh' } as const)
            : ref.kind === 'domain'
              ? ({ kind: 'domain', id: ref.domain } as const)
              : ({ kind: 'product', id: ref.productId } as const);
        const past = computeScopeScore(
          events.filter((e) => e.timeMs < point.atMs),
          scope,
          point.atMs,
          config,
        );
        expect(close(point.momentum.score, past.momentum.score), `${refKey(ref)} −${back}d`).toBe(true);
        expect(close(point.value.raw, past.value.raw), `${refKey(ref)} −${back}d`).toBe(true);
      }
    }

    // ---- notifications while processing -----------------------------------------------------------
    await waitFor(() => (new Set(scopes.map((u) => u.domain)).size === domains.length ? true : undefined), {
      what: 'a scores message per domain',
    });
    expect(scopes.every((u) => !u.caughtUp)).toBe(true);
    const seqs = await snap.seqs();
    await waitFor(
      () =>
        domains.every((d) => scopes.some((u) => u.domain === d && u.seq === seqs.get(d))) ? true : undefined,
      { what: 'the last write of each domain announced' },
    );
    // Stalls that the batches created were announced as they appeared (the stalled set at AS_OF).
    const announced = new Set(stalls.filter((t) => t.stalled).map((t) => refKey(t.ref)));
    for (const key of expectedStalled.keys()) if (key !== 'mesh') expect(announced, key).toContain(key);

    // ---- the periodic refresh: decay alone flips stalls; each flip is its own message ---------------
    const later = AS_OF + 45 * DAY_MS;
    const atLater = stalledSet(computeScores(events, later, config), products);
    stalls.length = 0;
    scopes.length = 0;
    await store.refreshOwned(later, () => epoch);
    await store.refreshMesh(later);
    const flips = new Set(
      [...new Set([...expectedStalled.keys(), ...atLater.keys()])].filter(
        (k) => expectedStalled.has(k) !== atLater.has(k),
      ),
    );
    expect(flips.size).toBeGreaterThan(0);
    await waitFor(() => (stalls.length >= flips.size ? true : undefined), { what: 'stall transitions' });
    expect(new Set(stalls.map((t) => refKey(t.ref)))).toEqual(flips);
    for (const t of stalls) {
      expect(t.stalled).toBe(atLater.has(refKey(t.ref)));
      expect(t.atMs).toBe(later);
      expect(t.caughtUp).toBe(false);
      if (t.stalled) expect(t.reason).toBe(atLater.get(refKey(t.ref)));
    }
    await waitFor(() => (new Set(scopes.map((u) => u.domain)).size === domains.length ? true : undefined), {
      what: 'a refresh message per domain',
    });
    await feed.stop();
    listener.disconnect();

    // ---- catch-up after missed messages ----------------------------------------------------------------
    const missedScopes: ScoresUpdate[] = [];
    const missedStalls: StallTransition[] = [];
    const deaf = redis.duplicate();
    const behind = new ChangeFeed(reader, deaf, {
      onScores: (u) => void missedScopes.push(u),
      onStall: (t) => void missedStalls.push(t),
    });
    await behind.start();
    // The subscriber stops hearing the channel (as in a dropped connection) while two refreshes run.
    await deaf.unsubscribe(keys.changesChannel(ks));
    const muchLater = AS_OF + 400 * DAY_MS;
    for (const t of [AS_OF + 200 * DAY_MS, muchLater]) {
      await store.refreshOwned(t, () => epoch);
      await store.refreshMesh(t);
    }
    const atMuchLater = stalledSet(computeScores(events, muchLater, config), products);
    await deaf.subscribe(keys.changesChannel(ks));
    expect(missedScopes).toEqual([]);
    // The next write's seq jumps past the feed's: it catches up by itself.
    await store.refreshOwned(muchLater, () => epoch);
    await waitFor(() => (missedScopes.some((u) => u.caughtUp) ? true : undefined), {
      what: 'catch-up by seq gap',
    });
    await behind.catchUp();
    const caughtUpDomains = new Set(missedScopes.filter((u) => u.caughtUp).map((u) => u.domain));
    expect(caughtUpDomains).toEqual(new Set(domains));
    const expectedFlips = [...new Set([...atLater.keys(), ...atMuchLater.keys()])].filter(
      (k) => atLater.has(k) !== atMuchLater.has(k),
    );
    expect(new Set(missedStalls.map((t) => refKey(t.ref)))).toEqual(new Set(expectedFlips));
    for (const t of missedStalls) {
      expect(t.caughtUp).toBe(true);
      expect(t.stalled).toBe(atMuchLater.has(refKey(t.ref)));
    }
    await behind.stop();
    deaf.disconnect();
  }, 180_000);

  it('follows the namespace switch a rebuild announces, and hears the new namespace', async () => {
    const redis = harness.redis();
    const { ks } = harness;
    const reader = new MomentumReader(redis, { prefix: ks.prefix });
    const listener = redis.duplicate();
    const switched: string[] = [];
    const updates: ScoresUpdate[] = [];
    const feed = new ChangeFeed(reader, listener, {
      onNamespace: (ns) => void switched.push(ns),
      onScores: (u) => void updates.push(u),
    });
    await feed.start();
    const from = feed.namespace;
    expect(from).toBeDefined();

    // What a rebuild does: write a fresh namespace, switch the pointer, announce it.
    const rebuilt = new ScoreStore(redis, { prefix: ks.prefix, namespace: 'v2' }, config);
    const epoch = await rebuilt.takeEpoch('reader', 0);
    const first = byDomain(events.slice(0, 300), 0);
    await rebuilt.applyPartitionBatch({
      topic: 'reader',
      partition: 0,
      epoch,
      asOfMs: AS_OF,
      byDomain: first,
    });
    expect(updates).toEqual([]); // v2's messages are not on v1's channel
    await redis.set(keys.namespacePointer(ks.prefix), 'v2');
    await redis.publish(keys.namespaceChannel(ks.prefix), 'v2');
    await waitFor(() => (switched.length > 0 ? true : undefined), { what: 'the switch' });
    expect(switched).toEqual(['v2']);
    expect(feed.namespace).toBe('v2');
    // Everything v2 holds is reported as caught up (seqs count per namespace).
    expect(updates.map((u) => u.domain).sort()).toEqual([...first.keys()].sort());
    expect(updates.every((u) => u.caughtUp)).toBe(true);

    updates.length = 0;
    const next = byDomain(events.slice(300, 400), 300);
    await rebuilt.applyPartitionBatch({
      topic: 'reader',
      partition: 0,
      epoch,
      asOfMs: AS_OF,
      byDomain: next,
    });
    await waitFor(() => (updates.length >= next.size ? true : undefined), { what: 'v2 announcements' });
    expect(updates.every((u) => !u.caughtUp)).toBe(true);
    await feed.stop();
    listener.disconnect();
  }, 60_000);
});
