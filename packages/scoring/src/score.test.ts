import { describe, expect, it } from 'vitest';
import { applyEvent, emptyAggregate, scoreOf, type ScopeAggregate } from './aggregate.ts';
import { DEFAULT_SCORING_CONFIG as C, type ScoringConfig } from './config.ts';
import type { ScoringEvent } from './events.ts';
import { explain } from './explain.ts';
import { normalise } from './normalise.ts';
import { computeScopeScore, computeScores } from './reference.ts';
import { ev, expectClose, HOUR_MS, T_2025 } from './scoring.test-support.ts';
import { DAY_MS } from './time.ts';

const MESH = { kind: 'mesh' } as const;
/** The scope the score tests look at: its momentum K is 30, value K 150. */
const PAYMENTS = { kind: 'domain', id: 'payments' } as const;
const published = (timeMs: number, domain = 'payments') =>
  ev(
    { timeMs, domain },
    { type: 'DataProductPublished', productId: 'orders', tier: 'standard', ownerTeam: 'checkout' },
  ); // momentum 5
const incident = (timeMs: number) =>
  ev({ timeMs }, { type: 'QualityIncidentOpened', productId: 'orders', severity: 'high' }); // momentum −4, value −2

function aggregate(events: ScoringEvent[], config: ScoringConfig = C): ScopeAggregate {
  return events.reduce((agg, e) => applyEvent(agg, e, config), emptyAggregate());
}

/** Score through both implementations, checking they agree, and return the aggregate's. */
function both(events: ScoringEvent[], asOfMs: number, config: ScoringConfig = C) {
  const fromAggregate = scoreOf(aggregate(events, config), asOfMs, config, PAYMENTS);
  expectClose(fromAggregate, computeScopeScore(events, PAYMENTS, asOfMs, config));
  return fromAggregate;
}

describe('scores with no or only negative events', () => {
  it('scores an empty scope 0, stalled quadrant, not a stall alert', () => {
    const score = both([], T_2025);
    expect(score.momentum).toEqual({ raw: 0, score: 0, trend7: 0, trend30: 0 });
    expect(score.quadrant).toBe('stalled');
    expect(score.stall).toEqual({ stalled: false, findings: [], trend7: 0, trend30: 0 });
    expect(score.lastEventMs).toBeNull();
    expect(score.counts[90].ChampionGained).toBe(0);
    expect(computeScores([], T_2025, C).mesh).toEqual(score);
  });

  it('keeps the negative raw sum but scores it 0', () => {
    const score = both([incident(T_2025)], T_2025 + HOUR_MS);
    expect(score.momentum.raw).toBeLessThan(0);
    expect(score.momentum.score).toBe(0);
    expect(score.value.score).toBe(0);
    expect(score.stall.lastMomentumEventMs).toBeUndefined();
  });
});

describe('raw sums at day granularity', () => {
  it('decays by the half-life: one event seen exactly 14 days later counts half', () => {
    const score = both([published(T_2025)], T_2025 + 14 * DAY_MS);
    expect(score.momentum.raw).toBeCloseTo(2.5, 12);
    expect(score.momentum.score).toBeCloseTo(normalise(2.5, 30), 12);
  });

  it('counts events later on the day of asOf (grown to asOf), but not events of later days', () => {
    const asOf = T_2025 + 10 * HOUR_MS;
    const score = both([published(T_2025 + 20 * HOUR_MS), published(T_2025 + DAY_MS)], asOf);
    expect(score.momentum.raw).toBeCloseTo(5 * 2 ** ((10 * HOUR_MS) / (14 * DAY_MS)), 12);
    expect(score.counts[7].DataProductPublished).toBe(1);
  });

  it('places a late event where it belongs in time', () => {
    const onTime = [published(T_2025), published(T_2025 + 20 * DAY_MS)];
    const late = published(T_2025 + 5 * DAY_MS);
    const asOf = T_2025 + 30 * DAY_MS;
    const withLate = both([...onTime, late], asOf);
    const expected = [0, 5, 20].reduce((sum, d) => sum + 5 * 2 ** -((30 - d) / 14), 0);
    expect(withLate.momentum.raw).toBeCloseTo(expected, 12);
    // Applying it last or first gives the same aggregate.
    expectClose(aggregate([late, ...onTime]).anchored, aggregate([...onTime, late]).anchored, 1e-12);
  });
});

describe('trends', () => {
  it('compares with S at startOfUtcDay(asOf) − 7 days, counting only events strictly before it', () => {
    const asOf = T_2025 + 40 * DAY_MS + 15 * HOUR_MS;
    const ref7 = T_2025 + 33 * DAY_MS;
    const atRef = published(ref7); // exactly at the reference instant: not in S(ref)
    const before = published(ref7 - 1);
    const score = both([before, atRef], asOf);
    const sAsOf = 5 * 2 ** -((asOf - ref7 + 1) / (14 * DAY_MS)) + 5 * 2 ** -((asOf - ref7) / (14 * DAY_MS));
    const sRef = 5 * 2 ** (-1 / (14 * DAY_MS));
    expect(score.momentum.raw).toBeCloseTo(sAsOf, 12);
    expect(score.momentum.trend7).toBeCloseTo(normalise(sAsOf, 30) - normalise(sRef, 30), 10);
    expect(score.momentum.trend30).toBeCloseTo(normalise(sAsOf, 30), 10);
  });

  it('is negative when nothing happens (decay only), for momentum and value', () => {
    const score = both(
      [
        published(T_2025),
        ev({ timeMs: T_2025 }, { type: 'ConsumerOnboarded', productId: 'o', consumerTeam: 'x' }),
      ],
      T_2025 + 20 * DAY_MS,
    );
    expect(score.momentum.trend7).toBeLessThan(0);
    expect(score.value.trend7).toBeLessThan(0);
  });
});

describe('windowed counts', () => {
  it('counts UTC days [startOfUtcDay(asOf) − (N − 1) days, asOf day]', () => {
    const asOf = T_2025 + 100 * DAY_MS + 12 * HOUR_MS;
    const dayStart = T_2025 + 100 * DAY_MS;
    const events = [
      published(dayStart - 6 * DAY_MS), // first instant of the 7-day window
      published(dayStart - 6 * DAY_MS - 1), // last instant before it
      published(dayStart - 29 * DAY_MS),
      published(dayStart - 30 * DAY_MS),
      published(dayStart - 89 * DAY_MS),
      published(dayStart - 90 * DAY_MS),
      published(dayStart + 23 * HOUR_MS), // later on asOf's day: counted
    ];
    const score = both(events, asOf);
    expect(score.counts[7].DataProductPublished).toBe(2);
    expect(score.counts[30].DataProductPublished).toBe(4);
    expect(score.counts[90].DataProductPublished).toBe(6);
    expect(score.counts[90].ChampionLost).toBe(0);
    expect(score.eventCount).toBe(7);
  });
});

describe('explain', () => {
  it('lists the period events by |decayed contribution| and splits the change into decay and events', () => {
    const old = published(T_2025);
    const events = [
      old,
      incident(T_2025 + 10 * DAY_MS),
      ev(
        { timeMs: T_2025 + 12 * DAY_MS },
        { type: 'ChampionGained', personId: 'a', role: 'executive_sponsor' },
      ),
      ev({ timeMs: T_2025 + 13 * DAY_MS }, { type: 'ChampionGained', personId: 'b', role: 'champion' }),
    ];
    const from = T_2025 + 7 * DAY_MS;
    const asOf = T_2025 + 14 * DAY_MS;
    const e = explain([...events, ...events], MESH, 'momentum', from, asOf, C, 2);
    expect(e.periodEventCount).toBe(3);
    expect(e.contributors.map((c) => [c.type, c.weight])).toEqual([
      ['ChampionGained', 8],
      ['QualityIncidentOpened', -4],
    ]);
    expect(e.contributors[0]?.contribution).toBeCloseTo(8 * 2 ** (-2 / 14), 12);
    expect(e.rawAtFrom).toBeCloseTo(5 * 2 ** -0.5, 12);
    expect(e.decay).toBeCloseTo(5 * 2 ** -1 - 5 * 2 ** -0.5, 12);
    const all = explain(events, MESH, 'momentum', from, asOf, C);
    const sum = all.contributors.reduce((s, c) => s + c.contribution, 0);
    expect(all.rawAtAsOf - all.rawAtFrom).toBeCloseTo(all.decay + sum, 12);
    expect(all.rawAtAsOf).toBeCloseTo(computeScopeScore(events, MESH, asOf, C).momentum.raw, 12);
  });

  it('filters by scope and ignores events after asOf', () => {
    const e = explain(
      [published(T_2025, 'sales'), published(T_2025), published(T_2025 + 2 * DAY_MS)],
      { kind: 'domain', id: 'sales' },
      'momentum',
      T_2025,
      T_2025 + DAY_MS,
      C,
    );
    expect(e.contributors).toHaveLength(1);
  });
});

describe('computeScores', () => {
  it('scores every product, domain and the mesh, counting duplicates once', () => {
    const a = published(T_2025, 'payments');
    const b = ev(
      { timeMs: T_2025, domain: 'sales' },
      { type: 'ConsumerOnboarded', productId: 'leads', consumerTeam: 'x' },
    );
    const scores = computeScores([a, b, { ...a }], T_2025 + HOUR_MS, C);
    expect(Object.keys(scores.domains).sort()).toEqual(['payments', 'sales']);
    expect(Object.keys(scores.products).sort()).toEqual(['leads', 'orders']);
    expect(scores.mesh.eventCount).toBe(2);
    expect(scores.products['leads']?.standing.consumers).toBe(1);
    expect(scores.domains['payments']?.momentum.raw).toBeCloseTo(5 * 2 ** -(1 / (14 * 24)), 12);
  });

  it("names a product's owner team (the latest publication), on products only, in both implementations", () => {
    const first = published(T_2025);
    const handedOver = ev(
      { timeMs: T_2025 + DAY_MS },
      { type: 'DataProductPublished', productId: 'orders', tier: 'standard', ownerTeam: 'payments-core' },
    );
    const scores = computeScores([handedOver, first], T_2025 + 2 * DAY_MS, C);
    expect(scores.products['orders']?.ownerTeam).toBe('payments-core');
    expect(scores.domains['payments']?.ownerTeam).toBeUndefined();
    expect(scores.mesh.ownerTeam).toBeUndefined();
    const product = { kind: 'product', id: 'orders' } as const;
    const incremental = scoreOf(aggregate([first, handedOver]), T_2025 + 2 * DAY_MS, C, product);
    expect(incremental.ownerTeam).toBe('payments-core');
  });
});
