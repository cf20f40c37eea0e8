import { describe, expect, it } from 'vitest';
import { EARLIEST_EVENT_TIME_MS } from '@mesh-momentum/events';
import { DEFAULT_SCORING_CONFIG, anchorFactor } from '@mesh-momentum/scoring';
import { eventTimeRangeOf, representableRangeOf } from './event-time-range.ts';

describe('eventTimeRangeOf', () => {
  const range = representableRangeOf(DEFAULT_SCORING_CONFIG);
  const halfLifeMs = DEFAULT_SCORING_CONFIG.momentum.halfLifeDays * 86_400_000;

  it('applies what producers accept: from EARLIEST_EVENT_TIME_MS on', () => {
    expect(eventTimeRangeOf(DEFAULT_SCORING_CONFIG)).toEqual({
      minMs: EARLIEST_EVENT_TIME_MS,
      maxMs: range.maxMs,
    });
  });

  it('covers a real programme history with the defaults (2000 to well past 2050)', () => {
    expect(range.minMs).toBeLessThan(Date.UTC(2000, 0, 1));
    expect(range.maxMs).toBeGreaterThan(Date.UTC(2050, 0, 1));
  });

  it('lets scoring anchor every time inside it and refuses 1970, the crash the processor once had', () => {
    for (const t of [range.minMs, range.maxMs]) {
      expect(() => anchorFactor(t, DEFAULT_SCORING_CONFIG.anchorEpochMs, halfLifeMs)).not.toThrow();
    }
    expect(range.minMs).toBeGreaterThan(0);
    expect(() => anchorFactor(0, DEFAULT_SCORING_CONFIG.anchorEpochMs, halfLifeMs)).toThrow(RangeError);
  });
});
