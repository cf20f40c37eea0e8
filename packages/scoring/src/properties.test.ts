import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEvent, emptyAggregate, mergeAggregates, scoreOf, type ScopeAggregate } from './aggregate.ts';
import { DEFAULT_SCORING_CONFIG as C } from './config.ts';
import type { ScoringEvent } from './events.ts';
import { computeScores } from './reference.ts';
import { distinctEventsArb, END_MS, eventArb, expectClose, START_MS } from './scoring.test-support.ts';
import { DAY_MS } from './time.ts';

/**
 * Property tests over random valid events spread over two years. Aggregates are compared through their
 * scores (decayed sums), never by their anchored numbers: anchored values grow like 2^((t − T0)/H) and
 * are only meaningful relative to each other.
 */

const RUNS = { numRuns: 200 };
const MESH = { kind: 'mesh' } as const;
const asOfArb = fc.integer({ min: END_MS, max: END_MS + 40 * DAY_MS });
const pastAsOfArb = fc.integer({ min: START_MS, max: END_MS });

function fold(events: readonly ScoringEvent[]): ScopeAggregate {
  return events.reduce((agg, e) => applyEvent(agg, e, C), emptyAggregate());
}

/** The exact (non-float) parts of an aggregate. */
function exactParts(agg: ScopeAggregate) {
  const { countsByDay, eventCount, firstEventMs, lastEventMs, lastPositiveMomentumMs, standing } = agg;
  return { countsByDay, eventCount, firstEventMs, lastEventMs, lastPositiveMomentumMs, standing };
}

function expectSameAggregate(a: ScopeAggregate, b: ScopeAggregate, asOfMs: number): void {
  expect(exactParts(a)).toEqual(exactParts(b));
  expectClose(scoreOf(a, asOfMs, C, MESH), scoreOf(b, asOfMs, C, MESH));
}

const splitArb = distinctEventsArb(30).chain((events) =>
  fc.tuple(
    fc.constant(events),
    fc.array(fc.integer({ min: 0, max: 2 }), { minLength: events.length, maxLength: events.length }),
  ),
);

describe('properties', () => {
  it('scoreOf(aggregate) agrees with the reference computeScores, at and before the last event', () => {
    fc.assert(
      fc.property(distinctEventsArb(), asOfArb, pastAsOfArb, (events, asOf, pastAsOf) => {
        const agg = fold(events);
        expectClose(scoreOf(agg, asOf, C, MESH), computeScores(events, asOf, C).mesh);
        // Sums, trends and counts are day-exact for any asOf; standing and last times are not time-sliced.
        const past = scoreOf(agg, pastAsOf, C, MESH);
        const reference = computeScores(events, pastAsOf, C).mesh;
        expectClose(
          { momentum: past.momentum, value: past.value, counts: past.counts },
          { momentum: reference.momentum, value: reference.value, counts: reference.counts },
        );
      }),
      RUNS,
    );
  });

  it('is independent of delivery order', () => {
    fc.assert(
      fc.property(
        distinctEventsArb().chain((events) =>
          fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length })),
        ),
        asOfArb,
        ([events, shuffled], asOf) => {
          expect(computeScores(shuffled, asOf, C)).toEqual(computeScores(events, asOf, C));
          expectSameAggregate(fold(shuffled), fold(events), asOf);
        },
      ),
      RUNS,
    );
  });

  it('counts an event delivered more than once once (computeScores de-duplicates by source and id)', () => {
    fc.assert(
      fc.property(distinctEventsArb(), fc.array(fc.nat()), asOfArb, (events, picks, asOf) => {
        const duplicates =
          events.length === 0
            ? []
            : picks.flatMap((i) =>
                events.slice(i % events.length, (i % events.length) + 1).map((e) => ({ ...e })),
              );
        expect(computeScores([...duplicates, ...events, ...duplicates], asOf, C)).toEqual(
          computeScores(events, asOf, C),
        );
      }),
      RUNS,
    );
  });

  it('merges associatively and commutatively, and merging split sets equals aggregating the union', () => {
    fc.assert(
      fc.property(splitArb, asOfArb, ([events, parts], asOf) => {
        const groups: ScoringEvent[][] = [[], [], []];
        events.forEach((e, i) => groups[parts[i] ?? 0]?.push(e));
        const [a, b, c] = groups.map(fold) as [ScopeAggregate, ScopeAggregate, ScopeAggregate];
        expectSameAggregate(mergeAggregates(a, b), mergeAggregates(b, a), asOf);
        expectSameAggregate(
          mergeAggregates(mergeAggregates(a, b), c),
          mergeAggregates(a, mergeAggregates(b, c)),
          asOf,
        );
        expectSameAggregate(mergeAggregates(mergeAggregates(a, b), c), fold(events), asOf);
        expectSameAggregate(mergeAggregates(a, emptyAggregate()), a, asOf);
      }),
      RUNS,
    );
  });

  it('keeps every score within 0..100 and trends within −100..100', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 40 }),
        fc.integer({ min: START_MS, max: END_MS + 100 * DAY_MS }),
        (events, asOf) => {
          const scores = computeScores(events, asOf, C);
          for (const s of [
            scores.mesh,
            ...Object.values(scores.domains),
            ...Object.values(scores.products),
          ]) {
            for (const m of [s.momentum, s.value]) {
              expect(m.score).toBeGreaterThanOrEqual(0);
              expect(m.score).toBeLessThanOrEqual(100);
              expect(Math.abs(m.trend7)).toBeLessThanOrEqual(100);
              expect(Math.abs(m.trend30)).toBeLessThanOrEqual(100);
            }
            for (const n of Object.values(s.standing)) expect(n).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      RUNS,
    );
  });
});
