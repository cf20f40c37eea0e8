import {
  DAY_MS,
  decayedAt,
  dayIndexOf,
  EVENT_TYPES,
  halfLifeMsOf,
  HISTORY_RETAINED_DAYS,
  METRICS,
  normalise,
  type Metric,
  type ScopeKind,
  type ScopeState,
  type ScoringConfig,
} from '@mesh-momentum/scoring';

/**
 * Score history, computed by the reader from the day buckets the contract already keeps (the
 * `d:<metric>:<day>` and `c:<day>:<type>` fields of a scope's aggregate hash). Nothing extra is
 * written per event or per day: S(b) at a UTC midnight b is the anchored sum of the buckets of the
 * days before b, decayed to b (docs/scoring.md, "Decay"), exactly the quantity the trends use, and
 * the buckets are summed in ascending day order as the processor sums them, so the last point of a
 * series equals the score hash's `momentumRaw`/`valueRaw` to the last bit.
 */

/** One day of a scope's history. */
export interface HistoryPoint {
  /** UTC day index, `floor(ms / 86 400 000)`. */
  readonly day: number;
  /**
   * The instant the values are for, ms since the epoch: the end of the day (the next UTC midnight)
   * for past days, `asOfMs` for the day `asOfMs` falls in.
   */
  readonly atMs: number;
  readonly momentum: { readonly score: number; readonly raw: number };
  readonly value: { readonly score: number; readonly raw: number };
  /** Events applied to the scope on that UTC day (all types). */
  readonly events: number;
}

/** Days of history a reader may ask for at most: what retention keeps (docs/scoring.md, "Retention"). */
export const HISTORY_MAX_DAYS = HISTORY_RETAINED_DAYS;
/** Days of history a reader gets when it does not say. */
export const HISTORY_DEFAULT_DAYS = 365;

/**
 * The scope's daily series ending with the day of `asOfMs`: `days` points, oldest first. Each past day's
 * point is the state at the following UTC midnight (the day's events included, decayed to the end of
 * the day); the last point is the state at `asOfMs` itself, the same as the score hash.
 *
 * @param config the processor's scoring configuration (half-lives and per-kind normalisation K): a
 *   reader with another configuration computes another history.
 */
export function historyOf(
  state: ScopeState,
  kind: ScopeKind,
  asOfMs: number,
  days: number,
  config: ScoringConfig,
): HistoryPoint[] {
  if (!Number.isInteger(days) || days < 1 || days > HISTORY_MAX_DAYS) {
    throw new RangeError(`history days must be an integer in 1..${HISTORY_MAX_DAYS}, got ${days}`);
  }
  const today = dayIndexOf(asOfMs);
  const eventsByDay = new Map<number, number>();
  for (const [day, counts] of state.countsByDay.entries()) {
    if (day < today - days + 1 || day > today) continue;
    let n = 0;
    for (let t = 0; t < EVENT_TYPES.length; t++) n += counts[t] as number;
    eventsByDay.set(day, n);
  }
  const metricAt = (metric: Metric, day: number, atMs: number) => {
    // Buckets of days <= `day`: for today, the same sum the score uses at asOf (events of today).
    const anchored = state.anchoredByDay[metric].sumBefore(day + 1);
    const raw = decayedAt(anchored, atMs, config.anchorEpochMs, halfLifeMsOf(config[metric]));
    return { score: normalise(raw, config[metric].normalisationK[kind]), raw };
  };
  const points: HistoryPoint[] = [];
  for (let day = today - days + 1; day <= today; day++) {
    const atMs = day === today ? asOfMs : (day + 1) * DAY_MS;
    const [momentum, value] = METRICS.map((m) => metricAt(m, day, atMs)) as [
      HistoryPoint['momentum'],
      HistoryPoint['value'],
    ];
    points.push({ day, atMs, momentum, value, events: eventsByDay.get(day) ?? 0 });
  }
  return points;
}
