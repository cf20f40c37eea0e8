import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCORING_CONFIG,
  parseScoringConfig,
  ScoringConfigError,
  type ConfigIssue,
} from './config.ts';

function issuesOf(input: unknown): readonly ConfigIssue[] {
  try {
    parseScoringConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ScoringConfigError);
    const configError = error as ScoringConfigError;
    expect(configError.code).toBe('MM_ERR_CONFIG_INVALID');
    expect(configError.retriable).toBe(false);
    return configError.issues;
  }
  throw new Error('expected parseScoringConfig to throw');
}

describe('parseScoringConfig', () => {
  it('returns the defaults for an empty object or undefined, frozen', () => {
    expect(parseScoringConfig({})).toEqual(DEFAULT_SCORING_CONFIG);
    expect(parseScoringConfig(undefined)).toEqual(DEFAULT_SCORING_CONFIG);
    const config = parseScoringConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.weights.ChampionLost.momentumByRole)).toBe(true);
    expect(Object.isFrozen(DEFAULT_SCORING_CONFIG.stall)).toBe(true);
  });

  it('overlays a partial config on the defaults', () => {
    const config = parseScoringConfig({
      momentum: { halfLifeDays: 7 },
      weights: { UseCaseDelivered: { currencyRates: { USD: 0.9 } } },
    });
    expect(config.momentum).toEqual({
      halfLifeDays: 7,
      normalisationK: DEFAULT_SCORING_CONFIG.momentum.normalisationK,
    });
    expect(config.value).toEqual(DEFAULT_SCORING_CONFIG.value);
    expect(config.weights.UseCaseDelivered.currencyRates).toEqual({ USD: 0.9 });
    expect(config.weights.UseCaseDelivered.valueUnit).toBe(10_000);
  });

  it('rejects unknown keys at any depth, naming them', () => {
    expect(issuesOf({ momentum: { halfLife: 3 }, extra: 1 })).toEqual([
      { field: 'extra', reason: 'unknown key' },
      { field: 'momentum.halfLife', reason: 'unknown key' },
    ]);
    expect(issuesOf({ weights: { ChampionLost: { momentumByRole: { ceo: -1 } } } })).toEqual([
      { field: 'weights.ChampionLost.momentumByRole.ceo', reason: 'unknown key' },
    ]);
  });

  it('rejects wrong types, naming the field', () => {
    expect(issuesOf('nope')).toEqual([{ field: '(root)', reason: 'must be an object' }]);
    expect(issuesOf({ momentum: 14 })).toEqual([{ field: 'momentum', reason: 'must be an object' }]);
    expect(issuesOf({ value: { normalisationK: 60 } })).toEqual([
      { field: 'value.normalisationK', reason: 'must be an object' },
    ]);
    expect(issuesOf({ value: { normalisationK: { mesh: '60' } } })).toEqual([
      { field: 'value.normalisationK.mesh', reason: 'must be a finite number' },
    ]);
    expect(issuesOf({ value: { normalisationK: { domain: Number.NaN } } })).toEqual([
      { field: 'value.normalisationK.domain', reason: 'must be a finite number' },
    ]);
    expect(issuesOf({ weights: { UseCaseDelivered: { currencyRates: { USD: 'x' } } } })).toEqual([
      { field: 'weights.UseCaseDelivered.currencyRates.USD', reason: 'must be a finite number' },
    ]);
  });

  it('rejects values out of range, naming the field and the reason', () => {
    expect(issuesOf({ momentum: { halfLifeDays: 0 }, value: { normalisationK: { product: -1 } } })).toEqual([
      { field: 'momentum.halfLifeDays', reason: 'must be > 0' },
      { field: 'value.normalisationK.product', reason: 'must be > 0' },
    ]);
    expect(issuesOf({ quadrant: { valueThreshold: { domain: 101 } } })).toEqual([
      { field: 'quadrant.valueThreshold.domain', reason: 'must be within 0..100' },
    ]);
    expect(
      issuesOf({
        stall: {
          inactivity: { days: { product: 2.5, mesh: -1 } },
          rhythm: { factor: -1, minGaps: 0, minSilenceDays: { domain: 0 }, lookbackDays: 0 },
          lowMomentum: { below: 101, forDays: 0 },
          decline: { minFallPoints: -5 },
        },
      }),
    ).toEqual([
      { field: 'stall.inactivity.days.product', reason: 'must be an integer >= 0' },
      { field: 'stall.rhythm.minSilenceDays.domain', reason: 'must be an integer >= 1' },
      { field: 'stall.inactivity.days.mesh', reason: 'must be an integer >= 0' },
      { field: 'stall.rhythm.factor', reason: 'must be >= 0' },
      { field: 'stall.rhythm.minGaps', reason: 'must be an integer >= 1' },
      { field: 'stall.rhythm.lookbackDays', reason: 'must be an integer >= 1' },
      { field: 'stall.lowMomentum.below', reason: 'must be within 0..100' },
      { field: 'stall.lowMomentum.forDays', reason: 'must be an integer >= 1' },
      { field: 'stall.decline.minFallPoints', reason: 'must be within 0..100' },
    ]);
    expect(issuesOf({ anchorEpochMs: 0.5 })).toEqual([
      { field: 'anchorEpochMs', reason: 'must be an integer number of milliseconds' },
    ]);
    expect(issuesOf({ weights: { UseCaseDelivered: { currencyRates: { usd: 0 } } } })).toEqual([
      { field: 'weights.UseCaseDelivered.currencyRates.usd', reason: 'must be an ISO 4217 code' },
      { field: 'weights.UseCaseDelivered.currencyRates.usd', reason: 'must be > 0' },
    ]);
  });

  it('enforces the signs of weights: losses <= 0, everything else >= 0', () => {
    expect(issuesOf({ weights: { ChampionLost: { momentumByRole: { sponsor: 5 } } } })).toEqual([
      {
        field: 'weights.ChampionLost.momentumByRole.sponsor',
        reason: 'must be <= 0 (this event type contributes negatively)',
      },
    ]);
    expect(issuesOf({ weights: { ConsumerOnboarded: { value: -1 } } })).toEqual([
      { field: 'weights.ConsumerOnboarded.value', reason: 'must be >= 0' },
    ]);
  });

  it('requires high-risk use cases to build less momentum than low- and moderate-risk ones', () => {
    expect(issuesOf({ weights: { UseCaseDelivered: { momentumRiskMultiplier: { high: 0.8 } } } })).toEqual([
      {
        field: 'weights.UseCaseDelivered.momentumRiskMultiplier.high',
        reason: 'must be below low and moderate (low- and moderate-risk use cases build more momentum)',
      },
    ]);
  });

  it('puts every issue in the message', () => {
    expect(() => parseScoringConfig({ momentum: { halfLifeDays: -1 }, nope: true })).toThrow(
      'invalid scoring configuration: nope: unknown key',
    );
  });
});
