import type { ScoringConfig } from './config.ts';
import { contributionOf, METRICS, type Metric } from './contribution.ts';
import { anchoredWeight } from './decay.ts';
import type { EventType, ScoringEvent } from './events.ts';
import { halfLifeMs, type ScopeScore } from './score.ts';
import { ScopeState } from './scope-state.ts';
import type { ScopeContext } from './stall.ts';
import { applyStanding, EMPTY_STANDING, mergeStanding, type StandingState } from './standing.ts';
import { dayIndexOf } from './time.ts';

/**
 * The incrementally maintained state of one scope, as plain JSON-friendly data. This is the shape the
 * processor keeps in Redis (docs/scoring.md, "State"):
 * - merged by ADDITION: `anchored`, `anchoredByDay`, `countsByDay`, `eventCount`;
 * - merged by MIN/MAX: `firstEventMs` (min), `lastEventMs`, `lastPositiveMomentumMs` (max);
 * - merged per key by LATEST (time, id, source): `standing`.
 * Day keys are UTC day indexes (`floor(t / 86 400 000)`) written as decimal strings.
 *
 * Applying the same event twice counts it twice: the incremental path relies on the caller's
 * de-duplication by (source, id) (`computeScores` de-duplicates itself).
 */
export interface ScopeAggregate {
  /** Per metric, `A = Σ w_e · 2^((t_e − T0)/H)` over all applied events. Equals the sum of the day buckets. */
  readonly anchored: Readonly<Record<Metric, number>>;
  /** Per metric and UTC day, the same anchored sum restricted to events of that day. */
  readonly anchoredByDay: Readonly<Record<Metric, Readonly<Record<string, number>>>>;
  /** Per UTC day, number of events per type (types with no events absent). */
  readonly countsByDay: Readonly<Record<string, Readonly<Partial<Record<EventType, number>>>>>;
  readonly eventCount: number;
  readonly firstEventMs: number | null;
  readonly lastEventMs: number | null;
  /** Latest time of an event whose momentum contribution is > 0 (a "momentum-building" event). */
  readonly lastPositiveMomentumMs: number | null;
  readonly standing: StandingState;
}

export function emptyAggregate(): ScopeAggregate {
  return {
    anchored: { momentum: 0, value: 0 },
    anchoredByDay: { momentum: {}, value: {} },
    countsByDay: {},
    eventCount: 0,
    firstEventMs: null,
    lastEventMs: null,
    lastPositiveMomentumMs: null,
    standing: EMPTY_STANDING,
  };
}

function minOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null ? a : Math.min(a, b);
}

function maxOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null ? a : Math.max(a, b);
}

function addTo(map: Readonly<Record<string, number>>, key: string, amount: number): Record<string, number> {
  return { ...map, [key]: (map[key] ?? 0) + amount };
}

/**
 * The aggregate after applying one event to it. Pure: returns a new aggregate and leaves the input
 * untouched (copying the day maps, so O(days) per call; the processor applies the same additions in
 * place in Redis). The caller decides which scopes' aggregates an event goes to (`scopesOf`).
 *
 * @throws RangeError when the event time is too far from `config.anchorEpochMs` (see `MAX_ANCHOR_EXPONENT`).
 */
export function applyEvent(agg: ScopeAggregate, event: ScoringEvent, config: ScoringConfig): ScopeAggregate {
  const weights = contributionOf(event, config);
  const day = String(dayIndexOf(event.timeMs));
  const anchored = { ...agg.anchored };
  const anchoredByDay = { ...agg.anchoredByDay };
  for (const metric of METRICS) {
    const a = anchoredWeight(weights[metric], event.timeMs, config.anchorEpochMs, halfLifeMs(metric, config));
    anchored[metric] += a;
    anchoredByDay[metric] = addTo(anchoredByDay[metric], day, a);
  }
  const dayCounts = agg.countsByDay[day] ?? {};
  return {
    anchored,
    anchoredByDay,
    countsByDay: {
      ...agg.countsByDay,
      [day]: { ...dayCounts, [event.type]: (dayCounts[event.type] ?? 0) + 1 },
    },
    eventCount: agg.eventCount + 1,
    firstEventMs: minOf(agg.firstEventMs, event.timeMs),
    lastEventMs: maxOf(agg.lastEventMs, event.timeMs),
    lastPositiveMomentumMs:
      weights.momentum > 0 ? maxOf(agg.lastPositiveMomentumMs, event.timeMs) : agg.lastPositiveMomentumMs,
    standing: applyStanding(agg.standing, event),
  };
}

function addMaps(
  a: Readonly<Record<string, number>>,
  b: Readonly<Record<string, number>>,
): Readonly<Record<string, number>> {
  // Aggregates are never mutated, so adding an empty map may hand back the same object (no copy).
  const entries = Object.entries(b);
  if (entries.length === 0) return a;
  const result: Record<string, number> = { ...a };
  for (const [key, amount] of entries) result[key] = (result[key] ?? 0) + amount;
  return result;
}

/**
 * The aggregate of the union of two DISJOINT event sets: sums add, first/last times take min/max,
 * standing takes the latest entry per entity. Associative and commutative (exactly for everything but
 * the floating-point sums, which agree to rounding). Merging overlapping sets counts shared events twice
 * in the sums; standing and times are idempotent.
 */
export function mergeAggregates(a: ScopeAggregate, b: ScopeAggregate): ScopeAggregate {
  const countsByDay: Record<string, Partial<Record<EventType, number>>> = { ...a.countsByDay };
  for (const [day, counts] of Object.entries(b.countsByDay)) {
    countsByDay[day] = addMaps(countsByDay[day] ?? {}, counts);
  }
  return {
    anchored: {
      momentum: a.anchored.momentum + b.anchored.momentum,
      value: a.anchored.value + b.anchored.value,
    },
    anchoredByDay: {
      momentum: addMaps(a.anchoredByDay.momentum, b.anchoredByDay.momentum),
      value: addMaps(a.anchoredByDay.value, b.anchoredByDay.value),
    },
    countsByDay,
    eventCount: a.eventCount + b.eventCount,
    firstEventMs: minOf(a.firstEventMs, b.firstEventMs),
    lastEventMs: maxOf(a.lastEventMs, b.lastEventMs),
    lastPositiveMomentumMs: maxOf(a.lastPositiveMomentumMs, b.lastPositiveMomentumMs),
    standing: mergeStanding(a.standing, b.standing),
  };
}

/**
 * The score of a scope as of `asOfMs`, from its aggregate alone (docs/scoring.md has the definitions).
 * Raw sums, trends and counts are exact at UTC-day granularity for any asOf; standing, `lastEventMs` and
 * the stall's last positive event reflect every applied event, so asOf should lie on or after the day
 * of the latest event (live scores: asOf = now). One implementation with the processor's `ScopeState`.
 */
export function scoreOf(
  agg: ScopeAggregate,
  asOfMs: number,
  config: ScoringConfig,
  scope: ScopeContext,
): ScopeScore {
  return ScopeState.fromAggregate(agg).score(asOfMs, config, scope);
}
