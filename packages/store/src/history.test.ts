import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeScopeScore,
  DAY_MS,
  DEFAULT_SCORING_CONFIG,
  eventInScope,
  ScopeState,
  type ScoringEvent,
} from '@mesh-momentum/scoring';
import { distinctEventsArb, END_MS } from '../../scoring/src/scoring.test-support.ts';
import { HISTORY_MAX_DAYS, historyOf } from './history.ts';

const config = DEFAULT_SCORING_CONFIG;
const SCOPE = { kind: 'domain', id: 'payments' } as const;

function stateOf(events: readonly ScoringEvent[]): ScopeState {
  const state = new ScopeState();
  for (const e of events) if (eventInScope(e, SCOPE)) state.addEvent(e, config);
  return state;
}

/** Equal to 1e-12 relative (summation order may differ from the reference's), 1e-12 absolute near 0. */
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));

describe('historyOf (score history from day buckets)', () => {
  it('ends with the score at asOf, and its trends are the differences the score reports', () => {
    fc.assert(
      fc.property(distinctEventsArb(60), fc.integer({ min: 0, max: 20 * DAY_MS }), (events, later) => {
        const state = stateOf(events);
        const asOfMs = END_MS + later;
        const score = state.score(asOfMs, config, { kind: 'domain' });
        const points = historyOf(state, 'domain', asOfMs, 365, config);
        expect(points).toHaveLength(365);
        const last = points.at(-1)!;
        expect(last.atMs).toBe(asOfMs);
        expect(last.momentum.raw).toBe(score.momentum.raw);
        expect(last.value.score).toBe(score.value.score);
        // trend7 compares with S at the midnight 7 days before asOf's day: the end of day today − 8.
        const weekAgo = points.at(-9)!;
        expect(weekAgo.atMs).toBe((Math.floor(asOfMs / DAY_MS) - 7) * DAY_MS);
        expect(close(last.momentum.score - weekAgo.momentum.score, score.momentum.trend7)).toBe(true);
        const monthAgo = points.at(-32)!;
        expect(close(last.value.score - monthAgo.value.score, score.value.trend30)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('gives each past day the reference score of the events before its end, at its end', () => {
    fc.assert(
      fc.property(distinctEventsArb(60), fc.integer({ min: 2, max: 300 }), (events, back) => {
        const asOfMs = END_MS;
        const points = historyOf(stateOf(events), 'domain', asOfMs, 365, config);
        const point = points[points.length - 1 - back]!;
        const before = events.filter((e) => e.timeMs < point.atMs);
        const reference = computeScopeScore(before, SCOPE, point.atMs, config);
        expect(close(point.momentum.raw, reference.momentum.raw)).toBe(true);
        expect(close(point.value.score, reference.value.score)).toBe(true);
        const sameDay = events.filter(
          (e) => eventInScope(e, SCOPE) && Math.floor(e.timeMs / DAY_MS) === point.day,
        );
        expect(point.events).toBe(sameDay.length);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a length outside 1..HISTORY_MAX_DAYS', () => {
    expect(() => historyOf(new ScopeState(), 'domain', END_MS, 0, config)).toThrow(RangeError);
    expect(() => historyOf(new ScopeState(), 'domain', END_MS, HISTORY_MAX_DAYS + 1, config)).toThrow(
      RangeError,
    );
  });
});
