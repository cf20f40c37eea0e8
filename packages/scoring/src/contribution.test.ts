import { describe, expect, it } from 'vitest';
import { DEFAULT_SCORING_CONFIG as C, parseScoringConfig } from './config.ts';
import { contributionOf, eventInScope, scopesOf } from './contribution.ts';
import { ev, T_2025 } from './scoring.test-support.ts';

const t = { timeMs: T_2025 };

describe('contributionOf', () => {
  it('weights simple events from the config tables', () => {
    expect(
      contributionOf(
        ev(t, { type: 'DataProductPublished', productId: 'p', tier: 'critical', ownerTeam: 't' }),
        C,
      ),
    ).toEqual({
      momentum: 8,
      value: 0,
    });
    expect(
      contributionOf(ev(t, { type: 'DataProductDiscovered', productId: 'p', ownerTeam: 't' }), C),
    ).toEqual({ momentum: 0, value: 0 });
    expect(contributionOf(ev(t, { type: 'DataProductRetired', productId: 'p' }), C)).toEqual({
      momentum: -3,
      value: -1,
    });
    expect(
      contributionOf(ev(t, { type: 'ConsumerOnboarded', productId: 'p', consumerTeam: 'x' }), C),
    ).toEqual({
      momentum: 4,
      value: 2,
    });
    expect(
      contributionOf(ev(t, { type: 'ConsumerOffboarded', productId: 'p', consumerTeam: 'x' }), C),
    ).toEqual({
      momentum: -4,
      value: -2,
    });
    expect(
      contributionOf(ev(t, { type: 'ChampionGained', personId: 'a', role: 'executive_sponsor' }), C),
    ).toEqual({
      momentum: 8,
      value: 0,
    });
    expect(contributionOf(ev(t, { type: 'ChampionLost', personId: 'a', role: 'champion' }), C)).toEqual({
      momentum: -3,
      value: 0,
    });
    expect(
      contributionOf(ev(t, { type: 'QualityIncidentOpened', productId: 'p', severity: 'critical' }), C),
    ).toEqual({
      momentum: -8,
      value: -4,
    });
    expect(
      contributionOf(ev(t, { type: 'QualityIncidentResolved', productId: 'p', severity: 'high' }), C),
    ).toEqual({
      momentum: 2,
      value: 1,
    });
  });

  const useCase = (risk: 'low' | 'moderate' | 'high', estimatedAnnualValue: number, currency = 'EUR') =>
    ev(t, {
      type: 'UseCaseDelivered',
      useCaseId: 'u',
      productIds: ['p'],
      risk,
      estimatedAnnualValue,
      currency,
    });

  it('gives low- and moderate-risk use cases more momentum than high-risk ones of the same value', () => {
    const [low, moderate, high] = (['low', 'moderate', 'high'] as const).map((r) =>
      contributionOf(useCase(r, 100_000), C),
    );
    expect(low?.momentum).toBe(6);
    expect(moderate?.momentum).toBeCloseTo(4.8, 12);
    expect(high?.momentum).toBeCloseTo(2.4, 12);
    expect(low?.value).toBe(high?.value);
  });

  it('grows value concavely with the estimated annual value: valueBase + valuePerDecade · log10(1 + v/unit)', () => {
    expect(contributionOf(useCase('low', 0), C).value).toBe(2);
    expect(contributionOf(useCase('low', 90_000), C).value).toBeCloseTo(2 + 5 * 1, 12);
    expect(contributionOf(useCase('low', 990_000), C).value).toBeCloseTo(2 + 5 * 2, 12);
    const values = [0, 1e3, 1e4, 1e5, 1e6, 1e7].map((v) => contributionOf(useCase('high', v), C).value);
    for (let i = 1; i < values.length; i += 1) expect(values[i]).toBeGreaterThan(values[i - 1] ?? Infinity);
  });

  it('converts amounts with the rate table and takes unknown currencies as-is', () => {
    const config = parseScoringConfig({ weights: { UseCaseDelivered: { currencyRates: { USD: 0.5 } } } });
    expect(contributionOf(useCase('low', 180_000, 'USD'), config).value).toBeCloseTo(7, 12);
    expect(contributionOf(useCase('low', 90_000, 'CHF'), config).value).toBeCloseTo(7, 12);
  });

  it('scales stakeholder engagement with the audience: kind · (1 + log10(1 + audience/unit))', () => {
    const engaged = (audienceSize: number) =>
      contributionOf(ev(t, { type: 'StakeholderEngaged', kind: 'workshop', audienceSize }), C);
    expect(engaged(0)).toEqual({ momentum: 3, value: 0 });
    expect(engaged(90).momentum).toBeCloseTo(6, 12);
  });

  it('values usage by consumers and queries, without momentum', () => {
    const usage = ev(t, {
      type: 'ProductUsageReported',
      productId: 'p',
      activeConsumers: 9,
      queries: 99_000,
      periodStartMs: 0,
      periodEndMs: 1,
    });
    const c = contributionOf(usage, C);
    expect(c.momentum).toBe(0);
    expect(c.value).toBeCloseTo(2 * 1 + 1 * 2, 12);
  });

  it('clamps invalid negative amounts to zero growth', () => {
    expect(contributionOf(useCase('low', -5), C).value).toBe(2);
  });
});

describe('scopesOf / eventInScope', () => {
  it('touches each product, the domain and the mesh', () => {
    const e = ev(
      { timeMs: T_2025, domain: 'sales' },
      {
        type: 'UseCaseDelivered',
        useCaseId: 'u',
        productIds: ['a', 'b', 'a'],
        risk: 'low',
        estimatedAnnualValue: 1,
        currency: 'EUR',
      },
    );
    expect(scopesOf(e)).toEqual([
      { kind: 'product', id: 'a' },
      { kind: 'product', id: 'b' },
      { kind: 'domain', id: 'sales' },
      { kind: 'mesh' },
    ]);
    for (const scope of scopesOf(e)) expect(eventInScope(e, scope)).toBe(true);
    expect(eventInScope(e, { kind: 'product', id: 'c' })).toBe(false);
    expect(eventInScope(e, { kind: 'domain', id: 'payments' })).toBe(false);
  });

  it('touches no product for champion and stakeholder events', () => {
    const e = ev({ timeMs: T_2025 }, { type: 'ChampionGained', personId: 'x', role: 'sponsor' });
    expect(scopesOf(e)).toEqual([{ kind: 'domain', id: 'payments' }, { kind: 'mesh' }]);
  });
});
