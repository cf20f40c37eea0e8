import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEvent, emptyAggregate, scoreOf } from './aggregate.ts';
import { DEFAULT_SCORING_CONFIG as C, parseScoringConfig, type ScoringConfig } from './config.ts';
import type { Scope } from './contribution.ts';
import type { ScoringEvent } from './events.ts';
import { computeScopeScore, computeScores } from './reference.ts';
import { distinctEventsArb, END_MS, ev, expectClose, T_2025 } from './scoring.test-support.ts';
import { momentumBuildingTypes, type ScopeContext } from './stall.ts';
import { DAY_MS } from './time.ts';

const PRODUCT: Scope = { kind: 'product', id: 'orders' };
const DOMAIN: Scope = { kind: 'domain', id: 'payments' };

const published = (timeMs: number) =>
  ev(
    { timeMs },
    { type: 'DataProductPublished', productId: 'orders', tier: 'standard', ownerTeam: 'checkout' },
  ); // momentum +5
const onboarded = (timeMs: number, team = 't1') =>
  ev({ timeMs }, { type: 'ConsumerOnboarded', productId: 'orders', consumerTeam: team }); // momentum +4
const incident = (timeMs: number) =>
  ev({ timeMs }, { type: 'QualityIncidentOpened', productId: 'orders', severity: 'high' }); // momentum −4
const retired = (timeMs: number) => ev({ timeMs }, { type: 'DataProductRetired', productId: 'orders' });
const usage = (timeMs: number) =>
  ev(
    { timeMs },
    {
      type: 'ProductUsageReported',
      productId: 'orders',
      activeConsumers: 20,
      queries: 50_000,
      periodStartMs: timeMs - 7 * DAY_MS,
      periodEndMs: timeMs,
    },
  );
const lost = (timeMs: number) =>
  ev({ timeMs }, { type: 'ChampionLost', personId: 'p1', role: 'executive_sponsor' }); // momentum −8

/** Stall of a scope through both implementations (state and reference), checking they agree. */
function stallOf(
  events: ScoringEvent[],
  scope: Scope,
  asOfMs: number,
  config: ScoringConfig = C,
  paused = false,
) {
  const inScope = events.filter((e) => scope.kind !== 'product' || 'productId' in e);
  const context: ScopeContext = { kind: scope.kind, paused };
  const agg = inScope.reduce((a, e) => applyEvent(a, e, config), emptyAggregate());
  const fromState = scoreOf(agg, asOfMs, config, context);
  const reference = computeScopeScore(events, scope, asOfMs, config, { isPaused: () => paused });
  expectClose(fromState, reference);
  return fromState.stall;
}

/** Events every `gapDays` days, `count` of them, the last one at `lastMs`. */
function every(gapDays: number, count: number, lastMs: number): ScoringEvent[] {
  return Array.from({ length: count }, (_, i) => onboarded(lastMs - (count - 1 - i) * gapDays * DAY_MS));
}

describe('stall: no data, exemptions', () => {
  it('a scope without events is not stalled', () => {
    expect(stallOf([], DOMAIN, T_2025)).toEqual({ stalled: false, findings: [], trend7: 0, trend30: 0 });
  });

  it('a retired product never stalls, until it is published again on a later day', () => {
    const events = [published(T_2025), retired(T_2025 + DAY_MS)];
    const asOf = T_2025 + 200 * DAY_MS;
    expect(stallOf(events, PRODUCT, asOf)).toMatchObject({ stalled: false, exemption: 'retired' });
    // Published and retired on the same day: retired (a retirement the same day is not undone).
    expect(stallOf([published(T_2025), retired(T_2025)], PRODUCT, asOf).exemption).toBe('retired');
    const republished = [...events, published(T_2025 + 100 * DAY_MS)];
    expect(stallOf(republished, PRODUCT, asOf)).toMatchObject({ stalled: true, reason: 'inactivity' });
    // A domain is not retired by one of its products' retirements.
    expect(stallOf(events, DOMAIN, asOf)).toMatchObject({ stalled: true, reason: 'inactivity' });
  });

  it('a paused scope never stalls', () => {
    const events = [published(T_2025)];
    expect(stallOf(events, DOMAIN, T_2025 + 200 * DAY_MS, C, true)).toMatchObject({
      stalled: false,
      findings: [],
      exemption: 'paused',
    });
    const scores = computeScores(events, T_2025 + 200 * DAY_MS, C, {
      isPaused: (scope) => scope.kind === 'product',
    });
    expect(scores.products['orders']?.stall.exemption).toBe('paused');
    expect(scores.domains['payments']?.stall.stalled).toBe(true);
  });
});

describe('stall: inactivity', () => {
  // The incident keeps momentum low too; switch that rule off to see inactivity alone.
  const onlyInactivity = parseScoringConfig({ stall: { lowMomentum: { below: 0 } } });

  it('fires exactly inactivity.days after the last momentum-building event, per scope kind', () => {
    const events = [published(T_2025), incident(T_2025 + 2 * DAY_MS)];
    expect(stallOf(events, DOMAIN, T_2025 + 21 * DAY_MS - 1, onlyInactivity).findings).toEqual([]);
    const domain = stallOf(events, DOMAIN, T_2025 + 21 * DAY_MS, onlyInactivity);
    expect(domain).toMatchObject({
      stalled: true,
      reason: 'inactivity',
      lastMomentumEventMs: T_2025,
      silenceDays: 21,
      findings: [{ rule: 'inactivity', value: 21, threshold: 21 }],
    });
    // A product is sparser than a domain: it has 45 days.
    expect(stallOf(events, PRODUCT, T_2025 + 44 * DAY_MS, onlyInactivity).stalled).toBe(false);
    expect(stallOf(events, PRODUCT, T_2025 + 45 * DAY_MS, onlyInactivity).reason).toBe('inactivity');
  });

  it('counts from the first event when there never was a momentum-building one', () => {
    const stall = stallOf([incident(T_2025)], DOMAIN, T_2025 + 21 * DAY_MS);
    expect(stall).toMatchObject({ stalled: true, reason: 'inactivity', silenceDays: 21 });
    expect(stall.lastMomentumEventMs).toBeUndefined();
  });

  it('does not count usage reports as life (their momentum weight is 0) unless configured to', () => {
    const events = [published(T_2025), ...[7, 14, 21, 28, 35, 42].map((d) => usage(T_2025 + d * DAY_MS))];
    const asOf = T_2025 + 45 * DAY_MS;
    expect(stallOf(events, PRODUCT, asOf).reason).toBe('inactivity');
    const usageIsLife = parseScoringConfig({ weights: { ProductUsageReported: { momentum: 0.5 } } });
    expect(momentumBuildingTypes(usageIsLife).has('ProductUsageReported')).toBe(true);
    expect(momentumBuildingTypes(C).has('ProductUsageReported')).toBe(false);
    expect(stallOf(events, PRODUCT, asOf, usageIsLife).stalled).toBe(false);
  });
});

describe('stall: broken rhythm', () => {
  const asOfAfter = (lastMs: number, silenceDays: number) => lastMs + silenceDays * DAY_MS + 3_600_000;

  it('a weekly product alerts after a few missed weeks, long before inactivity would', () => {
    const last = T_2025 + 100 * DAY_MS;
    const weekly = every(7, 10, last);
    // 3 × 7 = 21 days is its own limit, but a product's silence must also reach 28 days.
    expect(stallOf(weekly, PRODUCT, asOfAfter(last, 27)).stalled).toBe(false);
    const stall = stallOf(weekly, PRODUCT, asOfAfter(last, 28));
    expect(stall).toMatchObject({
      stalled: true,
      reason: 'broken-rhythm',
      medianGapDays: 7,
      findings: [{ rule: 'broken-rhythm', value: 28, threshold: 28 }],
    });
    // In a domain (floor 14 days) the rhythm breaks at 22 days (> 3 × 7); until then the domain is in
    // its rhythm, which also holds off its 21 days of inactivity.
    expect(stallOf(weekly, DOMAIN, asOfAfter(last, 21)).findings).toEqual([]);
    const domain = stallOf(weekly, DOMAIN, asOfAfter(last, 22));
    expect(domain.findings.map((f) => f.rule)).toEqual(['inactivity', 'broken-rhythm']);
    expect(domain.findings[1]).toEqual({ rule: 'broken-rhythm', value: 22, threshold: 21 });
  });

  it('a quarterly product is judged by its rhythm: a 100-day silence is not a stall', () => {
    const last = T_2025 + 400 * DAY_MS;
    const quarterly = every(91, 5, last);
    const stall = stallOf(quarterly, PRODUCT, asOfAfter(last, 100));
    expect(stall).toMatchObject({ stalled: false, findings: [], medianGapDays: 91 });
    // Without the rhythm (too few gaps) the same silence is inactivity and low momentum.
    const young = stallOf(quarterly.slice(2), PRODUCT, asOfAfter(last, 100));
    expect(young.findings.map((f) => f.rule)).toEqual(['inactivity', 'low-momentum']);
    expect(young.medianGapDays).toBeUndefined();
    // ...and three times its usual gap is too much even for a quarterly product.
    expect(stallOf(quarterly, PRODUCT, asOfAfter(last, 274)).findings.map((f) => f.rule)).toEqual([
      'inactivity',
      'broken-rhythm',
      'low-momentum',
    ]);
  });

  it('takes the median of the gaps, so one long pause does not make a weekly product quarterly', () => {
    const last = T_2025 + 200 * DAY_MS;
    const events = [...every(7, 4, last - 120 * DAY_MS), ...every(7, 4, last)];
    expect(stallOf(events, PRODUCT, asOfAfter(last, 30))).toMatchObject({
      reason: 'broken-rhythm',
      medianGapDays: 7,
    });
  });

  it('only looks back rhythm.lookbackDays', () => {
    const last = T_2025 + 100 * DAY_MS;
    const config = parseScoringConfig({ stall: { rhythm: { lookbackDays: 20 } } });
    const stall = stallOf(every(7, 10, last), PRODUCT, asOfAfter(last, 28), config);
    expect(stall.medianGapDays).toBeUndefined();
    expect(stall.stalled).toBe(false);
  });
});

describe('stall: low momentum', () => {
  const config = parseScoringConfig({
    stall: { inactivity: { days: { domain: 0 } }, lowMomentum: { below: 20, forDays: 5 } },
  });
  // One small event every 3 days: momentum positive but low (< 20 with the domain K of 30).
  const trickle = Array.from({ length: 10 }, (_, i) =>
    ev(
      { timeMs: T_2025 + i * 3 * DAY_MS },
      { type: 'StakeholderEngaged', kind: 'announcement', audienceSize: 0 },
    ),
  );

  it('fires when normalised momentum stayed under the threshold now and at each of forDays midnights', () => {
    const low = stallOf(trickle, DOMAIN, T_2025 + 28 * DAY_MS, config);
    expect(low).toMatchObject({ stalled: true, reason: 'low-momentum' });
    expect(low.findings[0]?.value).toBeLessThan(20);
    expect(low.findings[0]?.threshold).toBe(20);
  });

  it('not when a burst lifted it at one of the midnights, nor for a scope younger than the duration', () => {
    const burst = [published(T_2025 + 24 * DAY_MS), published(T_2025 + 24 * DAY_MS + 1)];
    expect(stallOf([...trickle, ...burst], DOMAIN, T_2025 + 27 * DAY_MS, config).stalled).toBe(false);
    expect(stallOf(trickle.slice(0, 1), DOMAIN, T_2025 + 4 * DAY_MS + 1, config).stalled).toBe(false);
    expect(stallOf(trickle.slice(0, 1), DOMAIN, T_2025 + 5 * DAY_MS, config).reason).toBe('low-momentum');
  });
});

describe('stall: decline', () => {
  it('fires when the 30-day trend falls by decline.minFallPoints or more', () => {
    const asOf = T_2025 + 60 * DAY_MS;
    const burst = Array.from({ length: 6 }, (_, i) => published(asOf - 31 * DAY_MS + i));
    const losses = Array.from({ length: 3 }, (_, i) =>
      ev(
        { timeMs: asOf - 2 * DAY_MS + i },
        { type: 'ChampionLost', personId: `p${i}`, role: 'executive_sponsor' },
      ),
    );
    const stall = stallOf([...burst, ...losses], DOMAIN, asOf);
    expect(stall.findings).toContainEqual({ rule: 'decline', value: stall.trend30, threshold: -55 });
    expect(stall.trend30).toBeLessThanOrEqual(-55);
  });

  it('decay alone never takes 55 points in 30 days, whatever the momentum and the scope kind', () => {
    for (const kind of ['product', 'domain', 'mesh'] as const) {
      const scope: Scope = kind === 'mesh' ? { kind } : kind === 'domain' ? DOMAIN : PRODUCT;
      for (let n = 1; n <= 40; n++) {
        const asOf = T_2025 + 60 * DAY_MS;
        const burst = Array.from({ length: n }, (_, i) => published(asOf - 31 * DAY_MS + i));
        const stall = stallOf(burst, scope, asOf);
        expect(stall.trend30).toBeGreaterThan(-55);
        expect(stall.findings.some((f) => f.rule === 'decline')).toBe(false);
      }
    }
  });

  it('is not excused by rhythm, and lists every rule that holds in order', () => {
    const asOf = T_2025 + 100 * DAY_MS;
    // A domain onboarding every other day (in its rhythm) that loses ten executive sponsors at once.
    const events = [
      ...every(2, 60, asOf - DAY_MS),
      ...Array.from({ length: 10 }, (_, i) => lost(asOf - DAY_MS + i)),
    ];
    const stall = stallOf(events, DOMAIN, asOf);
    expect(stall.medianGapDays).toBe(2);
    expect(stall.findings.map((f) => f.rule)).toEqual(['decline']);
  });
});

describe('stall: both implementations agree on random histories', () => {
  // Sensitive settings so that every rule fires often on two years of random events.
  const config = parseScoringConfig({
    stall: {
      inactivity: { days: { product: 10, domain: 5, mesh: 3 } },
      rhythm: {
        factor: 1.5,
        minGaps: 2,
        minSilenceDays: { product: 2, domain: 2, mesh: 2 },
        lookbackDays: 120,
      },
      lowMomentum: { below: 40, forDays: 3 },
      decline: { minFallPoints: 10 },
    },
  });

  it('for every product, domain and the mesh, at and after the last event', () => {
    fc.assert(
      fc.property(
        distinctEventsArb(60),
        fc.integer({ min: END_MS - 30 * DAY_MS, max: END_MS + 60 * DAY_MS }),
        (events, asOf) => {
          const scores = computeScores(events, asOf, config);
          for (const [id, reference] of Object.entries(scores.products)) {
            const inScope = events.filter((e) =>
              'productId' in e ? e.productId === id : 'productIds' in e && e.productIds.includes(id),
            );
            const agg = inScope.reduce((a, e) => applyEvent(a, e, config), emptyAggregate());
            expectClose(scoreOf(agg, asOf, config, { kind: 'product' }).stall, reference.stall);
          }
          const all = events.reduce((a, e) => applyEvent(a, e, config), emptyAggregate());
          expectClose(scoreOf(all, asOf, config, { kind: 'mesh' }).stall, scores.mesh.stall);
        },
      ),
      { numRuns: 200 },
    );
  });
});
