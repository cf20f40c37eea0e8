import { describe, expect, it } from 'vitest';
import { usagePeriods } from './domain-simulation.ts';
import { DAY_MS, WEEK_MS } from './options.ts';
import { deriveSeed, mulberry32, Random } from './random.ts';
import { curveAt } from './stories.ts';

describe('random', () => {
  it('mulberry32 is deterministic per seed and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const drawn = Array.from({ length: 1_000 }, () => a());
    expect(drawn).toEqual(Array.from({ length: 1_000 }, () => b()));
    for (const x of drawn) expect(x >= 0 && x < 1).toBe(true);
    expect(mulberry32(43)()).not.toBe(drawn[0]);
  });

  it('derives independent seeds per label', () => {
    expect(deriveSeed(1, 'payments')).toBe(deriveSeed(1, 'payments'));
    expect(deriveSeed(1, 'payments')).not.toBe(deriveSeed(1, 'marketing'));
    expect(deriveSeed(1, 'payments')).not.toBe(deriveSeed(2, 'payments'));
  });

  it('draws integers inclusively and weighted keys in proportion', () => {
    const random = new Random(7);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(random.int(1, 3));
    expect([...seen].sort()).toEqual([1, 2, 3]);
    let heavy = 0;
    for (let i = 0; i < 10_000; i++) if (random.weighted({ a: 3, b: 1, never: 0 }) === 'a') heavy++;
    expect(heavy / 10_000).toBeGreaterThan(0.72);
    expect(heavy / 10_000).toBeLessThan(0.78);
    expect(() => random.pick([])).toThrow(RangeError);
  });
});

describe('curveAt', () => {
  it('interpolates linearly, is flat outside and allows steps', () => {
    const curve = [
      [0, 1],
      [0.5, 3],
      [0.5, 0],
      [1, 2],
    ] as const;
    expect(curveAt(curve, -1)).toBe(1);
    expect(curveAt(curve, 0.25)).toBe(2);
    expect(curveAt(curve, 0.75)).toBe(1);
    expect(curveAt(curve, 2)).toBe(2);
    expect(curveAt([], 0.5)).toBe(0);
  });
});

describe('usagePeriods', () => {
  it('gives whole ISO weeks starting on Monday 00:00 UTC within the timeline', () => {
    const startMs = Date.UTC(2025, 0, 1, 12); // a Wednesday
    const periods = usagePeriods('week', startMs, startMs + 30 * DAY_MS);
    expect(periods[0]?.startMs).toBe(Date.UTC(2025, 0, 6));
    expect(periods).toHaveLength(3);
    for (const p of periods) {
      expect(p.endMs - p.startMs).toBe(WEEK_MS);
      expect(new Date(p.startMs).getUTCDay()).toBe(1);
    }
  });

  it('gives whole calendar months within the timeline, across a year end', () => {
    const periods = usagePeriods('month', Date.UTC(2024, 10, 15), Date.UTC(2025, 2, 1));
    expect(periods.map((p) => new Date(p.startMs).toISOString().slice(0, 10))).toEqual([
      '2024-12-01',
      '2025-01-01',
      '2025-02-01',
    ]);
    expect(periods.at(-1)?.endMs).toBe(Date.UTC(2025, 2, 1));
  });
});
