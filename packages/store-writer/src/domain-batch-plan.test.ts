import { describe, expect, it } from 'vitest';
import {
  anchoredWeight,
  applyEvent,
  contributionOf,
  DEFAULT_SCORING_CONFIG,
  emptyAggregate,
  halfLifeMsOf,
  scoreOf,
  type ScopeAggregate,
  type ScoringEvent,
} from '@mesh-momentum/scoring';
import { aggregateFromHashes, SCORE_FIELDS, scoreFromFields } from '@mesh-momentum/store';
import {
  planDomainBatch,
  type BatchEvent,
  type DomainBatchInput,
  type ScopeMirror,
} from './domain-batch-plan.ts';

const T = Date.parse('2026-05-01T12:00:00Z');
const DAY = 86_400_000;
const base = { source: 'urn:test', domain: 'payments' };
const EVENTS: ScoringEvent[] = [
  {
    ...base,
    id: 'e1',
    type: 'DataProductPublished',
    timeMs: T - 40 * DAY,
    productId: 'p.a',
    tier: 'standard',
  },
  { ...base, id: 'e2', type: 'ChampionGained', timeMs: T - 20 * DAY, personId: 'x', role: 'champion' },
  {
    ...base,
    id: 'e3',
    type: 'ConsumerOnboarded',
    timeMs: T - 10 * DAY,
    productId: 'p.a',
    consumerTeam: 't1',
  },
  { ...base, id: 'e4', type: 'ChampionLost', timeMs: T - 2 * DAY, personId: 'x', role: 'champion' },
  {
    ...base,
    id: 'e5',
    type: 'UseCaseDelivered',
    timeMs: T - DAY,
    useCaseId: 'u',
    productIds: ['p.a', 'p.b'],
    risk: 'low',
    estimatedAnnualValue: 250_000,
    currency: 'EUR',
  },
] as ScoringEvent[];

/** A `score` entry of the payload: key index, scope id, field mask, stall start's place, values. */
type ScoreEntry = [number, string, number, number, ...string[]];

/** The score fields an entry writes, by name (as the script reads the mask). */
function scoreFieldsOf(sf: readonly string[], entry: ScoreEntry): Record<string, string> {
  const [, , mask, , ...values] = entry;
  const out: Record<string, string> = {};
  let at = 0;
  for (const [i, field] of sf.entries()) if (Math.floor(mask / 2 ** i) % 2 === 1) out[field] = values[at++]!;
  return out;
}

/** What the apply script does with a payload, on plain maps: the contract between plan and Lua. */
function applyPayload(hashes: Map<string, Map<string, string>>, keys: string[], payloadJson: string): void {
  const payload = JSON.parse(payloadJson) as { agg: [number, string[]][]; st: [number, string[]][] };
  const hash = (i: number) => {
    const key = keys[i - 1]!;
    if (!hashes.has(key)) hashes.set(key, new Map());
    return hashes.get(key)!;
  };
  for (const [k, flat] of [...payload.agg, ...payload.st]) {
    for (let i = 0; i < flat.length; i += 2) hash(k).set(flat[i]!, flat[i + 1]!);
  }
}

function plan(
  events: readonly ScoringEvent[],
  mirror = new Map<string, ScopeMirror>(),
  overrides: Partial<DomainBatchInput> = {},
) {
  const batch: BatchEvent[] = events.map((event, i) => ({
    offset: String(i),
    recordTimeMs: T,
    dedupKey: `urn:test|${event.id}`,
    event,
  }));
  return planDomainBatch({
    keySpace: { prefix: 'mm', namespace: 'v1' },
    domain: 'payments',
    topic: 'events',
    partition: 0,
    epoch: 1,
    dedupWindowMs: 7 * DAY,
    asOfMs: T,
    config: DEFAULT_SCORING_CONFIG,
    events: batch,
    mirror,
    version: 0,
    seq: 0,
    ...overrides,
  });
}

function reference(events: readonly ScoringEvent[], scope: (e: ScoringEvent) => boolean): ScopeAggregate {
  return events
    .filter(scope)
    .reduce((agg, e) => applyEvent(agg, e, DEFAULT_SCORING_CONFIG), emptyAggregate());
}

const inProduct = (id: string) => (e: ScoringEvent) =>
  ('productId' in e && e.productId === id) || ('productIds' in e && e.productIds.includes(id));

describe('planDomainBatch', () => {
  it('touches the domain and exactly the products its events name, all in the domain slot', () => {
    const p = plan(EVENTS);
    expect([...p.scores.keys()].sort()).toEqual(['domain', 'product:p.a', 'product:p.b']);
    expect(p.keys.every((k) => k.startsWith('mm:v1:{payments}:'))).toBe(true);
  });

  it('sends movers and rankings as ZADD arguments: the exact double as a string, then the member', () => {
    const p = plan(EVENTS);
    const payload = JSON.parse(p.payload) as {
      movers: [number, string[], number][];
      rankM: string[];
      rankV: string[];
    };
    const domainMomentum = p.keys.indexOf('mm:v1:{payments}:movers:momentum:domain') + 1;
    const args = payload.movers.find(([k]) => k === domainMomentum)?.[1] ?? [];
    const sent = EVENTS.filter((e) => contributionOf(e, DEFAULT_SCORING_CONFIG).momentum !== 0);
    expect(args).toHaveLength(2 * sent.length);
    for (let i = 0; i < args.length; i += 2) {
      const member = JSON.parse(args[i + 1]!) as { id: string; weight: number };
      const event = sent.find((e) => e.id === member.id)!;
      const { id, source, type, timeMs } = event;
      expect(args[i + 1]).toBe(JSON.stringify({ id, source, type, timeMs, weight: member.weight }));
      expect(member.weight).toBe(contributionOf(event, DEFAULT_SCORING_CONFIG).momentum);
      const { anchorEpochMs, momentum } = DEFAULT_SCORING_CONFIG;
      const anchored = anchoredWeight(member.weight, timeMs, anchorEpochMs, halfLifeMsOf(momentum));
      expect(Number(args[i])).toBe(Math.abs(anchored));
    }
    const productA = p.scores.get('product:p.a')!.score;
    const at = payload.rankM.indexOf('p.a');
    expect([Number(payload.rankM[at - 1]), Number(payload.rankV[at - 1])]).toEqual([
      productA.momentum.score,
      productA.value.score,
    ]);
  });

  it('writes values that, read back, give the scoring package aggregate of the same events', () => {
    const p = plan(EVENTS);
    const hashes = new Map<string, Map<string, string>>();
    applyPayload(hashes, p.keys, p.payload);
    const read = (suffix: string) =>
      aggregateFromHashes(
        Object.fromEntries(hashes.get(`mm:v1:{payments}:agg:${suffix}`) ?? []),
        Object.fromEntries(hashes.get(`mm:v1:{payments}:standing:${suffix}`) ?? []),
      );
    const cases: [string, (e: ScoringEvent) => boolean][] = [
      ['domain', () => true],
      ['product:p.a', inProduct('p.a')],
      ['product:p.b', inProduct('p.b')],
    ];
    for (const [suffix, filter] of cases) {
      const kind = { kind: suffix === 'domain' ? 'domain' : 'product' } as const;
      const expected = scoreOf(reference(EVENTS, filter), T, DEFAULT_SCORING_CONFIG, kind);
      expect(scoreOf(read(suffix), T, DEFAULT_SCORING_CONFIG, kind), suffix).toEqual(expected);
      expect(p.scores.get(suffix)?.score, suffix).toEqual(expected);
    }
  });

  it('writes values that, over several batches in any order, leave the hashes of all the events', () => {
    // Reversed: the later batches carry older events (a champion's gain after the loss that follows
    // it), so standing entries and day buckets are updated out of order.
    const mirror = new Map<string, ScopeMirror>();
    const hashes = new Map<string, Map<string, string>>();
    for (const batch of [EVENTS.slice(3), EVENTS.slice(1, 3), EVENTS.slice(0, 1)]) {
      const p = plan(batch, mirror);
      applyPayload(hashes, p.keys, p.payload);
    }
    const read = (suffix: string) =>
      aggregateFromHashes(
        Object.fromEntries(hashes.get(`mm:v1:{payments}:agg:${suffix}`) ?? []),
        Object.fromEntries(hashes.get(`mm:v1:{payments}:standing:${suffix}`) ?? []),
      );
    expect(scoreOf(read('domain'), T, DEFAULT_SCORING_CONFIG, { kind: 'domain' })).toEqual(
      scoreOf(
        reference(EVENTS, () => true),
        T,
        DEFAULT_SCORING_CONFIG,
        { kind: 'domain' },
      ),
    );
    expect(read('domain').standing).toEqual(reference(EVENTS, () => true).standing);
  });

  it('continues from the mirror, which it updates in place: two batches equal one', () => {
    const mirror = new Map<string, ScopeMirror>();
    plan(EVENTS.slice(0, 2), mirror);
    const second = plan(EVENTS.slice(2), mirror);
    expect(second.scores.get('domain')?.score).toEqual(plan(EVENTS).scores.get('domain')?.score);
    expect([...mirror.keys()].sort()).toEqual(['domain', 'product:p.a', 'product:p.b']);
    expect(mirror.get('domain')?.state.eventCount).toBe(EVENTS.length);
  });

  it('looks each event up in its record period and both neighbours, and records it in its own', () => {
    const window = 7 * DAY;
    const p = Math.floor(T / window);
    const events: BatchEvent[] = EVENTS.slice(0, 2).map((event, i) => ({
      offset: String(i),
      recordTimeMs: T + i * window, // periods p and p + 1
      dedupKey: `urn:test|${event.id}`,
      event,
    }));
    const planned = planDomainBatch({
      keySpace: { prefix: 'mm', namespace: 'v1' },
      domain: 'payments',
      topic: 'events',
      partition: 0,
      epoch: 1,
      dedupWindowMs: window,
      asOfMs: T,
      config: DEFAULT_SCORING_CONFIG,
      events,
      mirror: new Map(),
      version: 0,
      seq: 0,
    });
    const payload = JSON.parse(planned.payload) as { ev: (string | number)[]; seenEnd: [number, number][] };
    const seen = (i: number) => planned.keys[i - 1];
    const key = (period: number) => `mm:v1:{payments}:seen:7d:${period}`;
    // Five values per event: offset, dedupKey and the key indexes of its own, previous and next period.
    const perEvent = [0, 5].map(
      (b) => payload.ev.slice(b, b + 5) as [string, string, number, number, number],
    );
    expect(payload.ev).toHaveLength(10);
    expect(perEvent.map(([offset, dedupKey]) => [offset, dedupKey])).toEqual(
      events.map((e) => [e.offset, e.dedupKey]),
    );
    expect(perEvent.map(([, , own, previous, next]) => [seen(own), seen(previous), seen(next)])).toEqual([
      [key(p), key(p - 1), key(p + 1)],
      [key(p + 1), key(p), key(p + 2)],
    ]);
    expect(payload.seenEnd.map(([k, end]) => [seen(k), end])).toEqual([
      [key(p), (p + 1) * window],
      [key(p + 1), (p + 2) * window],
    ]);
  });

  it('puts the score hash in the payload, readable by scoreFromFields', () => {
    const p = plan(EVENTS);
    const payload = JSON.parse(p.payload) as { sf: string[]; score: ScoreEntry[] };
    const domainScoreKey = p.keys.indexOf('mm:v1:{payments}:score:domain') + 1;
    const hash = scoreFieldsOf(
      payload.sf,
      payload.score.find(([k]) => k === domainScoreKey)!,
    );
    // A scope whose written score the mirror does not know gets every field.
    expect(Object.keys(hash)).toEqual([...SCORE_FIELDS]);
    const stored = scoreFromFields(hash);
    const expected = p.scores.get('domain')!.score;
    expect(stored?.momentum.score).toBe(expected.momentum.score);
    expect(stored?.standing).toEqual(expected.standing);
    expect(stored?.eventCount).toBe(5);
    // Zero counts are left out of the stored JSON and read back as 0.
    expect(stored?.counts).toEqual(expected.counts);
    expect(hash['counts']).not.toContain(':0');
  });

  it('sends only the score fields, rankings and stall flags that differ from the last write', () => {
    const mirror = new Map<string, ScopeMirror>();
    plan(EVENTS.slice(0, 3), mirror);
    const written = mirror.get('product:p.a')!.written!;
    const next = plan([EVENTS[4]!], mirror, { asOfMs: T + DAY, version: 1, seq: 1 });
    const payload = JSON.parse(next.payload) as {
      q: number;
      sf: string[];
      score: ScoreEntry[];
      rankM: string[];
      stall: unknown[];
    };
    expect(payload.q).toBe(1);
    const pa = payload.score.find(([, id]) => id === 'product:p.a')!;
    const now = mirror.get('product:p.a')!.written!;
    const differing = SCORE_FIELDS.filter((f, i) => f !== 'stalledSinceMs' && now[i] !== written[i]);
    expect(Object.keys(scoreFieldsOf(payload.sf, pa))).toEqual(differing);
    expect(differing).toContain('eventCount');
    expect(differing).not.toContain('ownerTeam');
    // The stall flag did not flip: no stall fields for the script to fill in, no stall flag re-sent.
    expect(pa[3]).toBe(0);
    expect(payload.stall).not.toContainEqual(['p.a', expect.anything()]);
    // p.b is new to the mirror: all of it, with the stall's start for the script to fill in.
    const pb = payload.score.find(([, id]) => id === 'product:p.b')!;
    expect(Object.keys(scoreFieldsOf(payload.sf, pb))).toEqual([...SCORE_FIELDS]);
    // `since` is 1-based (Lua's); the stall flag's value is two places before the start's.
    expect(pb[pb[3] - 1]).toBe('');
    expect(pb[pb[3] - 3]).toBe(mirror.get('product:p.b')!.written![SCORE_FIELDS.indexOf('stalled')]);
    expect(payload.rankM).toContain('p.b');
  });

  it('refreshes scores without events when asked (the tick), writing no aggregate fields', () => {
    const mirror = new Map<string, ScopeMirror>();
    const first = plan(EVENTS, mirror);
    const refreshed = planDomainBatch({
      keySpace: { prefix: 'mm', namespace: 'v1' },
      domain: 'payments',
      topic: 'events',
      partition: 0,
      epoch: 1,
      dedupWindowMs: 7 * DAY,
      asOfMs: T + 7 * DAY,
      config: DEFAULT_SCORING_CONFIG,
      events: [],
      mirror,
      version: 1,
      seq: 1,
      refreshScopes: [{ kind: 'domain' }],
    });
    const payload = JSON.parse(refreshed.payload) as { agg: unknown[]; ev: unknown[] };
    expect(payload.agg).toEqual([]);
    expect(payload.ev).toEqual([]);
    expect(refreshed.scores.get('domain')?.score.momentum.score).toBeLessThan(
      first.scores.get('domain')!.score.momentum.score,
    );
  });

  it('refreshes only the scopes it is asked to (the tick rewrites a domain in chunks of products)', () => {
    const mirror = new Map<string, ScopeMirror>();
    plan(EVENTS, mirror);
    const refreshed = planDomainBatch({
      keySpace: { prefix: 'mm', namespace: 'v1' },
      domain: 'payments',
      topic: 'events',
      partition: 0,
      epoch: 1,
      dedupWindowMs: 7 * DAY,
      asOfMs: T + DAY,
      config: DEFAULT_SCORING_CONFIG,
      events: [],
      mirror,
      version: 1,
      seq: 1,
      refreshScopes: [{ kind: 'product', productId: 'p.b' }],
    });
    expect([...refreshed.scores.keys()]).toEqual(['product:p.b']);
    expect(refreshed.keys.filter((k) => k.includes(':score:'))).toEqual([
      'mm:v1:{payments}:score:product:p.b',
    ]);
  });
});
