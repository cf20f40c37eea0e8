import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCORING_CONFIG } from './config.ts';
import { compactScope, HISTORY_RETAINED_DAYS, retentionCutoffs } from './retention.ts';
import { ScopeState } from './scope-state.ts';
import { distinctEventsArb, END_MS } from './scoring.test-support.ts';
import { DAY_MS, dayIndexOf } from './time.ts';
import type { ScoringEvent } from './events.ts';

const config = DEFAULT_SCORING_CONFIG;

function stateOf(events: readonly ScoringEvent[]): ScopeState {
  const state = new ScopeState();
  for (const e of events) state.addEvent(e, config);
  return state;
}

describe('retention (compactScope)', () => {
  it('leaves every score bit-identical, now and at later instants, for every scope kind', () => {
    fc.assert(
      fc.property(
        distinctEventsArb(80),
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 0, max: 30 }),
        fc.constantFrom('product' as const, 'domain' as const, 'mesh' as const),
        (events, daysAfter, later, kind) => {
          const asOfMs = END_MS + daysAfter * DAY_MS;
          const full = stateOf(events);
          const compacted = stateOf(events);
          compactScope(compacted, asOfMs, config);
          expect(compacted.score(asOfMs, config, { kind })).toEqual(full.score(asOfMs, config, { kind }));
          const next = asOfMs + later * DAY_MS;
          compactScope(compacted, next, config);
          expect(compacted.score(next, config, { kind })).toEqual(full.score(next, config, { kind }));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps at most the retained days of buckets', () => {
    const events = fc.sample(distinctEventsArb(200), { numRuns: 1, seed: 4 })[0]!;
    const asOfMs = END_MS + 300 * DAY_MS;
    const state = stateOf(events);
    const before = state.anchoredByDay.momentum.size;
    const compaction = compactScope(state, asOfMs, config);
    expect(compaction).toBeDefined();
    const { sumsBeforeDay, countsBeforeDay } = retentionCutoffs(asOfMs, config);
    expect(sumsBeforeDay).toBe(dayIndexOf(asOfMs) - HISTORY_RETAINED_DAYS);
    const days = state.anchoredByDay.momentum.entries().map(([d]) => d);
    expect(days.filter((d) => d < sumsBeforeDay)).toHaveLength(1);
    expect(state.anchoredByDay.momentum.size).toBeLessThan(before);
    // Older count days survive only as the latest publication and retirement days.
    expect(state.countsByDay.entries().filter(([d]) => d < countsBeforeDay).length).toBeLessThanOrEqual(2);
    expect(compactScope(state, asOfMs, config)).toBeUndefined();
  });
});
