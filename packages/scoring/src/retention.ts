import type { ScoringConfig } from './config.ts';
import { METRICS, type Metric } from './contribution.ts';
import { EVENT_TYPES, type EventType } from './events.ts';
import { COUNT_WINDOWS_DAYS, TREND_WINDOWS_DAYS } from './score.ts';
import type { ScopeState } from './scope-state.ts';
import { dayIndexOf } from './time.ts';

/**
 * Retention of a scope's day buckets, so its state grows with retained days, not with time. What the
 * score, the stall rules and readers need of the past:
 * - anchored sums: S at the midnights of the last HISTORY_RETAINED_DAYS days (history), of the trends
 *   (30 days) and of the low-momentum rule (`forDays`): every sum before a day older than that is only
 *   ever used as part of a prefix, so those buckets fold into one (bit-identical prefix sums);
 * - counts: per day and type for the count windows (90 days) and history's events per day (400), and the
 *   days with a momentum-building event within the rhythm's look-back (730); beyond that only the latest
 *   publication and retirement day (whether a product is retired). The rest is dropped.
 * A score computed after compaction is bit-identical to one computed before (retention.test.ts).
 */

/** Days of per-day history the contract keeps (and a reader may ask for). */
export const HISTORY_RETAINED_DAYS = 400;

/** Types whose latest day is needed however old (a product's retirement against its publication). */
const KEPT_FOREVER: ReadonlySet<EventType> = new Set(['DataProductPublished', 'DataProductRetired']);

export interface RetentionCutoffs {
  /** Anchored-sum buckets of days before this fold into one. */
  readonly sumsBeforeDay: number;
  /** Counts of days before this are dropped (but KEPT_FOREVER's latest days). */
  readonly countsBeforeDay: number;
}

export function retentionCutoffs(asOfMs: number, config: ScoringConfig): RetentionCutoffs {
  const today = dayIndexOf(asOfMs);
  const sumDays = Math.max(
    HISTORY_RETAINED_DAYS,
    Math.max(...TREND_WINDOWS_DAYS) + 1,
    config.stall.lowMomentum.forDays + 1,
  );
  const countDays = Math.max(
    HISTORY_RETAINED_DAYS,
    Math.max(...COUNT_WINDOWS_DAYS),
    config.stall.rhythm.lookbackDays,
  );
  return { sumsBeforeDay: today - sumDays, countsBeforeDay: today - countDays };
}

/** What a compaction changed: fields to rewrite and to delete in the scope's aggregate hash. */
export interface Compaction {
  /** Per metric, the fold bucket (its day and new value) and the days whose buckets are gone. */
  readonly folds: readonly {
    metric: Metric;
    foldDay: number;
    foldValue: number;
    removed: readonly number[];
  }[];
  /** (day, event type) count cells that are gone. */
  readonly droppedCounts: readonly (readonly [number, EventType])[];
}

/** Compacts the state in place as of `asOfMs`; undefined when there was nothing to compact. */
export function compactScope(
  state: ScopeState,
  asOfMs: number,
  config: ScoringConfig,
): Compaction | undefined {
  const cutoffs = retentionCutoffs(asOfMs, config);
  const folds: Compaction['folds'][number][] = [];
  for (const metric of METRICS) {
    const fold = state.anchoredByDay[metric].foldBefore(cutoffs.sumsBeforeDay);
    if (fold) folds.push({ metric, ...fold });
  }
  const droppedCounts = state.countsByDay
    .dropBefore(cutoffs.countsBeforeDay, KEPT_FOREVER)
    .map(([day, t]) => [day, EVENT_TYPES[t] as EventType] as const);
  return folds.length === 0 && droppedCounts.length === 0 ? undefined : { folds, droppedCounts };
}
