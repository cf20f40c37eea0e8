import { describe, expect, it } from 'vitest';
import { DEFAULT_SCORING_CONFIG as C, halfLifeMsOf } from './config.ts';
import {
  anchoredWeight,
  anchorFactor,
  decayedAt,
  decayedWeight,
  MAX_ANCHOR_EXPONENT,
  rebaseAnchored,
} from './decay.ts';
import { normalise, quadrantOf } from './normalise.ts';
import { T_2025 } from './scoring.test-support.ts';
import { DAY_MS, dayIndexOf, startOfUtcDay } from './time.ts';

const H = halfLifeMsOf(C.momentum);
const T0 = C.anchorEpochMs;

function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

describe('anchored decay', () => {
  it('has the documented defaults: T0 = 2024-01-01, H = 14 days', () => {
    expect(T0).toBe(Date.parse('2024-01-01T00:00:00Z'));
    expect(H).toBe(14 * DAY_MS);
  });

  it('halves exactly per half-life: S(t + H) = S(t) / 2 within 1e-12', () => {
    const a = anchoredWeight(5, T_2025 + 12_345, T0, H) + anchoredWeight(-2, T_2025 + 40 * DAY_MS, T0, H);
    for (const t of [T_2025, T_2025 + 100 * DAY_MS + 7, T_2025 + 700 * DAY_MS]) {
      expect(relDiff(decayedAt(a, t + H, T0, H), decayedAt(a, t, T0, H) / 2)).toBeLessThan(1e-12);
    }
  });

  it('equals the plain formula w · 2^(−(t − t_e)/H)', () => {
    const te = T_2025 + 3 * DAY_MS + 5;
    const t = te + 10 * DAY_MS;
    expect(
      relDiff(decayedAt(anchoredWeight(7, te, T0, H), t, T0, H), decayedWeight(7, te, t, H)),
    ).toBeLessThan(1e-12);
    expect(decayedWeight(7, te, te, H)).toBe(7);
    expect(relDiff(decayedWeight(7, te, te + H, H), 3.5)).toBeLessThan(1e-15);
  });

  it('refuses times too far from the anchor epoch and says how to fix it', () => {
    const limit = T0 + MAX_ANCHOR_EXPONENT * H;
    expect(Number.isFinite(anchorFactor(limit, T0, H))).toBe(true);
    expect(() => anchorFactor(limit + 1, T0, H)).toThrow(RangeError);
    expect(() => anchorFactor(T0 - MAX_ANCHOR_EXPONENT * H - 1, T0, H)).toThrow(/rebaseAnchored/);
    expect(() => decayedAt(1, Number.NaN, T0, H)).toThrow(RangeError);
    // ≈ 38 years either side of 2024 for the momentum half-life.
    expect((limit - T0) / (365.25 * DAY_MS)).toBeGreaterThan(38);
  });

  it('rebases anchored sums to a new epoch without changing S(t)', () => {
    const te = T_2025 + 5 * DAY_MS;
    const t = T_2025 + 50 * DAY_MS;
    const newEpoch = Date.UTC(2030, 0, 1);
    const a = anchoredWeight(3, te, T0, H);
    const rebased = rebaseAnchored(a, T0, newEpoch, H);
    expect(relDiff(decayedAt(rebased, t, newEpoch, H), decayedAt(a, t, T0, H))).toBeLessThan(1e-12);
    expect(relDiff(rebased, anchoredWeight(3, te, newEpoch, H))).toBeLessThan(1e-12);
  });
});

describe('UTC days', () => {
  it('indexes days from 1970-01-01 and starts them at midnight UTC', () => {
    expect(dayIndexOf(0)).toBe(0);
    expect(dayIndexOf(DAY_MS - 1)).toBe(0);
    expect(dayIndexOf(DAY_MS)).toBe(1);
    expect(dayIndexOf(-1)).toBe(-1);
    expect(startOfUtcDay(T_2025 + 5 * 3_600_000)).toBe(T_2025);
  });
});

describe('normalise', () => {
  it('maps S to 100 · (1 − e^(−S/K)), 0 for S <= 0, within 0..100', () => {
    expect(normalise(0, 30)).toBe(0);
    expect(normalise(-50, 30)).toBe(0);
    expect(normalise(Number.NaN, 30)).toBe(0);
    expect(normalise(30, 30)).toBeCloseTo(100 * (1 - Math.exp(-1)), 12);
    expect(normalise(30 * Math.LN2, 30)).toBeCloseTo(50, 12);
    expect(normalise(1e-12, 30)).toBeGreaterThan(0);
    expect(normalise(1e6, 30)).toBe(100);
    expect(normalise(Number.MAX_VALUE, 30)).toBe(100);
  });
});

describe('quadrantOf', () => {
  const thresholds = { momentumThreshold: 50, valueThreshold: 60 };
  it('counts a score equal to its threshold as high', () => {
    expect(quadrantOf(50, 60, thresholds)).toBe('thriving');
    expect(quadrantOf(50, 59.999, thresholds)).toBe('hype');
    expect(quadrantOf(49.999, 60, thresholds)).toBe('grind');
    expect(quadrantOf(49.999, 59.999, thresholds)).toBe('stalled');
    expect(quadrantOf(0, 0, thresholds)).toBe('stalled');
    expect(quadrantOf(100, 100, thresholds)).toBe('thriving');
  });
});
