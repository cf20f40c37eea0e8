import { halfLifeMsOf, type ScopeKind, type ScoringConfig } from './config.ts';
import type { Metric } from './contribution.ts';
import { EVENT_TYPES, type EventType } from './events.ts';
import { normalise, quadrantOf, type Quadrant } from './normalise.ts';
import { stallOf, type ScopeContext, type StallEvidence, type StallPrimitives } from './stall.ts';
import type { StandingCounts } from './standing.ts';
import { DAY_MS, dayIndexOf, startOfUtcDay } from './time.ts';

/**
 * Assembly of a scope's score from a few primitives (raw sums at instants, counts per day range and the
 * standing). Two implementations provide the primitives: `scoreOf` from the incremental aggregate and
 * `computeScores` straight from the event list; tests check that they agree.
 */

/** Trend windows in days (SPEC: 7 and 30). Fixed: readers name the fields after them. */
export const TREND_WINDOWS_DAYS = [7, 30] as const;
/** Count windows in days (SPEC: 7, 30 and 90). Fixed: readers name the fields after them. */
export const COUNT_WINDOWS_DAYS = [7, 30, 90] as const;
export type CountWindowDays = (typeof COUNT_WINDOWS_DAYS)[number];

export interface MetricScore {
  /** Raw decayed sum S(asOf), in metric points; may be negative. */
  readonly raw: number;
  /** N(S(asOf)), 0..100. */
  readonly score: number;
  /** N(S(asOf)) − N(S(startOfUtcDay(asOf) − 7 days)), −100..100. */
  readonly trend7: number;
  /** Same with 30 days. */
  readonly trend30: number;
}

export type EventCounts = Readonly<Record<EventType, number>>;

export interface ScopeScore {
  readonly asOfMs: number;
  readonly momentum: MetricScore;
  readonly value: MetricScore;
  readonly quadrant: Quadrant;
  /** Events per type in the UTC-day windows `[startOfUtcDay(asOf) − (N − 1) days, end of asOf's day]`. */
  readonly counts: Readonly<Record<CountWindowDays, EventCounts>>;
  readonly standing: StandingCounts;
  /** Number of distinct events applied to the scope. */
  readonly eventCount: number;
  readonly lastEventMs: number | null;
  readonly stall: StallEvidence;
  /** The team of the product's latest publication; products only, undefined before one. */
  readonly ownerTeam?: string;
}

/** What an implementation must answer for one scope. */
export interface ScorePrimitives extends StallPrimitives {
  /** S(asOf): events of UTC days up to and including asOf's day, decayed to asOf. */
  rawAt(metric: Metric, asOfMs: number): number;
  /** S(b) for a UTC midnight b: events with t_e < b, decayed to b. */
  rawBefore(metric: Metric, boundaryMs: number): number;
  /** Ascending distinct UTC day indexes in [fromDay, toDay] with at least one event of one of `types`. */
  daysWithAny(types: ReadonlySet<EventType>, fromDay: number, toDay: number): readonly number[];
  /** The latest UTC day index <= `toDay` with an event of one of `types`; null when none. */
  lastDayWithAny(types: ReadonlySet<EventType>, toDay: number): number | null;
  /** Events per type with UTC day index in [fromDay, toDay]. */
  countsInDays(fromDay: number, toDay: number): EventCounts;
  readonly standing: StandingCounts;
  /** The owner team among the standing's owner entries (`ownerTeamOf`); read for products only. */
  ownerTeam(): string | undefined;
  readonly eventCount: number;
  readonly firstEventMs: number | null;
  readonly lastEventMs: number | null;
  readonly lastPositiveMomentumMs: number | null;
}

const ZERO_COUNTS = Object.freeze(
  Object.fromEntries(EVENT_TYPES.map((type) => [type, 0])) as Record<EventType, number>,
);

export function zeroCounts(): Record<EventType, number> {
  return { ...ZERO_COUNTS };
}

function metricScore(
  p: ScorePrimitives,
  metric: Metric,
  asOfMs: number,
  config: ScoringConfig,
  kind: ScopeKind,
): MetricScore {
  const k = config[metric].normalisationK[kind];
  const raw = p.rawAt(metric, asOfMs);
  const score = normalise(raw, k);
  const [short, long] = TREND_WINDOWS_DAYS.map((days) => {
    const ref = startOfUtcDay(asOfMs) - days * DAY_MS;
    return score - normalise(p.rawBefore(metric, ref), k);
  }) as [number, number];
  return { raw, score, trend7: short, trend30: long };
}

/** Builds the full score of a scope from its primitives; the scope's kind picks the per-kind settings. */
export function assembleScore(
  p: ScorePrimitives,
  asOfMs: number,
  config: ScoringConfig,
  scope: ScopeContext,
): ScopeScore {
  const momentum = metricScore(p, 'momentum', asOfMs, config, scope.kind);
  const value = metricScore(p, 'value', asOfMs, config, scope.kind);
  const today = dayIndexOf(asOfMs);
  const counts = Object.fromEntries(
    COUNT_WINDOWS_DAYS.map((days) => [days, p.countsInDays(today - (days - 1), today)]),
  ) as Record<CountWindowDays, EventCounts>;
  return {
    asOfMs,
    momentum,
    value,
    quadrant: quadrantOf(momentum.score, value.score, {
      momentumThreshold: config.quadrant.momentumThreshold[scope.kind],
      valueThreshold: config.quadrant.valueThreshold[scope.kind],
    }),
    counts,
    standing: p.standing,
    eventCount: p.eventCount,
    lastEventMs: p.lastEventMs,
    stall: stallOf(p, asOfMs, momentum, config, scope),
    ...ownerOf(p, scope),
  };
}

function ownerOf(p: ScorePrimitives, scope: ScopeContext): { ownerTeam?: string } {
  const team = scope.kind === 'product' ? p.ownerTeam() : undefined;
  return team === undefined ? {} : { ownerTeam: team };
}

/** Half-life of a metric in ms, for implementations of `ScorePrimitives`. */
export function halfLifeMs(metric: Metric, config: ScoringConfig): number {
  return halfLifeMsOf(config[metric]);
}
