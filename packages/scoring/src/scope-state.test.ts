import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEvent, emptyAggregate, scoreOf } from './aggregate.ts';
import { DEFAULT_SCORING_CONFIG as C } from './config.ts';
import type { ScoringEvent } from './events.ts';
import { computeScores } from './reference.ts';
import { ScopeState } from './scope-state.ts';
import { distinctEventsArb, END_MS, expectClose, START_MS } from './scoring.test-support.ts';
import { DAY_MS } from './time.ts';

/**
 * The processor keeps `ScopeState`s for months and merges every batch into them in place, scoring in
 * between. These properties check that what it ends with scores exactly like the immutable aggregate
 * built from the same events and like the reference, whatever the batching, order and interleaving.
 */

const RUNS = { numRuns: 200 };
const MESH = { kind: 'mesh' } as const;
const asOfArb = fc.integer({ min: END_MS, max: END_MS + 40 * DAY_MS });

/** Events cut into batches of random sizes (1..8). */
const batchedArb = distinctEventsArb(40).chain((events) =>
  fc
    .array(fc.integer({ min: 1, max: 8 }), { minLength: events.length, maxLength: events.length })
    .map((sizes) => {
      const batches: ScoringEvent[][] = [];
      let i = 0;
      for (const n of sizes) {
        if (i >= events.length) break;
        batches.push(events.slice(i, i + n));
        i += n;
      }
      return batches;
    }),
);

function stateOf(events: readonly ScoringEvent[]): ScopeState {
  const state = new ScopeState();
  for (const e of events) state.addEvent(e, C);
  return state;
}

describe('ScopeState', () => {
  it('merged batch by batch, scored between batches, equals the aggregate of all events', () => {
    fc.assert(
      fc.property(batchedArb, asOfArb, (batches, asOf) => {
        const live = new ScopeState();
        for (const batch of batches) {
          live.merge(stateOf(batch));
          // Scoring caches prefix sums; a later batch (often with older days) must invalidate them.
          live.score(START_MS + DAY_MS * 400, C, MESH);
        }
        const all = batches.flat();
        const folded = all.reduce((agg, e) => applyEvent(agg, e, C), emptyAggregate());
        expectClose(live.score(asOf, C, MESH), scoreOf(folded, asOf, C, MESH));
        expectClose(live.score(asOf, C, MESH), computeScores(all, asOf, C).mesh);
      }),
      RUNS,
    );
  });

  it('converts to and from ScopeAggregate without changing anything', () => {
    fc.assert(
      fc.property(distinctEventsArb(30), (events) => {
        const agg = events.reduce((a, e) => applyEvent(a, e, C), emptyAggregate());
        expect(ScopeState.fromAggregate(agg).toAggregate()).toEqual(agg);
        expect(stateOf(events).toAggregate()).toEqual(agg);
      }),
      RUNS,
    );
  });

  it('keeps the standing counts when a later loss replaces a gain, and ignores an older entry', () => {
    const state = new ScopeState();
    const base = { entity: 'champion' as const, id: 'a', source: 's' };
    expect(state.standing.offer('p1', { ...base, gained: true, timeMs: 10 })).toBe(true);
    expect(state.standing.offer('p2', { ...base, gained: true, timeMs: 10 })).toBe(true);
    expect(state.standing.counts().champions).toBe(2);
    expect(state.standing.offer('p1', { ...base, gained: false, timeMs: 20 })).toBe(true);
    expect(state.standing.offer('p2', { ...base, gained: false, timeMs: 5 })).toBe(false);
    expect(state.standing.counts()).toEqual({
      champions: 1,
      sponsors: 0,
      executiveSponsors: 0,
      consumers: 0,
    });
  });
});
