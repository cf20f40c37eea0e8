import { describe, expect, it } from 'vitest';
import { normalise } from '@mesh-momentum/scoring';
import {
  DAY_MS,
  checkTarget,
  dailyContributions,
  dailyDecay,
  expectedRaw,
  forecast,
  quantileSorted,
  rawVariance,
  type ForecastInput,
} from './index.ts';

const ASOF = Date.UTC(2026, 0, 10, 12);
const base: ForecastInput = {
  asOfMs: ASOF,
  raw: 10,
  halfLifeDays: 14,
  normalisationK: 30,
  recentDaily: [],
  horizonDays: 28,
};

describe('forecast', () => {
  it('without events decays the current sum: half after one half-life, a quarter after two', () => {
    const f = forecast(base);
    expect(f.points[13]?.expectedRaw).toBeCloseTo(5, 12);
    expect(f.points[27]?.expectedRaw).toBeCloseTo(2.5, 12);
    // No randomness without events: the band collapses onto the decayed score.
    expect(f.points[13]?.low).toBeCloseTo(normalise(5, 30), 12);
    expect(f.points[13]?.high).toBeCloseTo(normalise(5, 30), 12);
    expect(f.points[0]?.timeMs).toBe(ASOF + DAY_MS);
  });

  it('a constant daily contribution c approaches the steady state c / (1 − q)', () => {
    const c = 2;
    const q = dailyDecay(14);
    const f = forecast({ ...base, raw: 0, recentDaily: [c, c, c], horizonDays: 400 });
    const last = f.points[399];
    expect(last?.expectedRaw).toBeCloseTo(c / (1 - q), 6);
    // c / (1 − 2^(−1/14)) = 2 / 0.048305 = 41.404: worked by hand, to catch a wrong exponent sign.
    expect(c / (1 - q)).toBeCloseTo(41.404, 3);
    expect(last?.median).toBeCloseTo(normalise(c / (1 - q), 30), 6);
    expect(last?.low).toBeCloseTo(last?.high ?? Number.NaN, 9);
  });

  it('one day: the closed form is q·S0 + mean of the days', () => {
    const input = { ...base, recentDaily: [0, 0, 3] };
    expect(expectedRaw(input, 1)).toBeCloseTo(10 * 2 ** (-1 / 14) + 1, 12);
    // Population variance of {0, 0, 3} is 2; one day adds it once.
    expect(rawVariance(input, 1)).toBeCloseTo(2, 12);
  });

  it('the simulated paths agree with the closed-form mean and variance', () => {
    const input = { ...base, recentDaily: [0, 0, 0, 5, 0, 1, 0, 0, 8, 0], horizonDays: 60 };
    const f = forecast(input, { paths: 4000, seed: 7 });
    const raws = f.rawAtDay(60);
    const mean = raws.reduce((a, b) => a + b, 0) / raws.length;
    const variance = raws.reduce((a, b) => a + (b - mean) ** 2, 0) / raws.length;
    expect(mean).toBeCloseTo(expectedRaw(input, 60), 0);
    expect(Math.abs(variance / rawVariance(input, 60) - 1)).toBeLessThan(0.1);
  });

  it('the band widens with the horizon and holds the median', () => {
    const f = forecast({ ...base, recentDaily: [0, 0, 4, 0, 1, 0, 0], horizonDays: 90 });
    const width = (d: number) => (f.points[d - 1]?.high ?? 0) - (f.points[d - 1]?.low ?? 0);
    expect(width(30)).toBeGreaterThan(width(1));
    for (const p of f.points) {
      expect(p.low).toBeLessThanOrEqual(p.median);
      expect(p.median).toBeLessThanOrEqual(p.high);
    }
  });

  it('is deterministic for a seed', () => {
    const input = { ...base, recentDaily: [0, 3, 0, 1] };
    expect(forecast(input, { seed: 3 }).points).toEqual(forecast(input, { seed: 3 }).points);
  });

  it('refuses a horizon below one day', () => {
    expect(() => forecast({ ...base, horizonDays: 0 })).toThrow(RangeError);
  });
});

describe('quantileSorted', () => {
  it('interpolates between order statistics', () => {
    expect(quantileSorted([0, 10], 0.25)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4, 5], 0.5)).toBe(3);
  });
});

describe('dailyContributions', () => {
  it('reads back what each day added from the end-of-day series', () => {
    const q = dailyDecay(14);
    // S: 10, then a quiet day, then a day adding 3, then a day losing 2.
    const s0 = 10;
    const s1 = q * s0;
    const s2 = q * s1 + 3;
    const s3 = q * s2 - 2;
    const out = dailyContributions([s0, s1, s2, s3], 14);
    expect(out).toHaveLength(3);
    expect(out[0]).toBeCloseTo(0, 12);
    expect(out[1]).toBeCloseTo(3, 12);
    expect(out[2]).toBeCloseTo(-2, 12);
  });
});

describe('checkTarget', () => {
  const input = { asOfMs: ASOF, raw: 30, halfLifeDays: 14, normalisationK: 30, recentDaily: [] as number[] };

  it('a quiet scope falls short of a level above its decaying score: off track, probability 0', () => {
    // normalise(30, 30) = 63.2 now; in 28 days S = 7.5, score 22.1.
    const check = checkTarget({ metric: 'momentum', level: 50, dateMs: ASOF + 28 * DAY_MS }, input);
    expect(check.status).toBe('off-track');
    expect(check.probability).toBe(0);
    expect(check.expectedScore).toBeCloseTo(normalise(7.5, 30), 9);
  });

  it('a steady stream keeps it on track', () => {
    const check = checkTarget(
      { metric: 'momentum', level: 50, dateMs: ASOF + 28 * DAY_MS },
      { ...input, recentDaily: [2, 1, 3, 2, 2] },
    );
    expect(check.status).toBe('on-track');
    expect(check.probability).toBe(1);
  });

  it('a bursty stream gives a probability between 0 and 1', () => {
    const check = checkTarget(
      { metric: 'momentum', level: 55, dateMs: ASOF + 28 * DAY_MS },
      { ...input, recentDaily: [0, 0, 0, 0, 0, 0, 12] },
      { paths: 2000 },
    );
    expect(check.probability).toBeGreaterThan(0.05);
    expect(check.probability).toBeLessThan(0.95);
  });

  it('a date already past is judged on the current score', () => {
    const past = { metric: 'momentum' as const, dateMs: ASOF - DAY_MS };
    expect(checkTarget({ ...past, level: 60 }, input).status).toBe('met');
    expect(checkTarget({ ...past, level: 70 }, input)).toMatchObject({ status: 'missed', probability: 0 });
  });
});
