import type { ScoringConfig } from './config.ts';
import { contributionOf, eventInScope, type Metric, type Scope } from './contribution.ts';
import { decayedWeight } from './decay.ts';
import type { EventType, ScoringEvent } from './events.ts';
import { dedupEvents } from './reference.ts';
import { halfLifeMs } from './score.ts';

/** One event's part in a metric's change over a period. */
export interface Contributor {
  readonly id: string;
  readonly source: string;
  readonly type: EventType;
  readonly timeMs: number;
  /** w_e, before decay. */
  readonly weight: number;
  /** w_e · 2^(−(asOf − t_e)/H): what the event still adds to S(asOf). */
  readonly contribution: number;
}

export interface Explanation {
  readonly scope: Scope;
  readonly metric: Metric;
  readonly fromMs: number;
  readonly asOfMs: number;
  /** S(from): events with t_e < from, decayed to from. */
  readonly rawAtFrom: number;
  /** S(asOf): events with t_e <= asOf, decayed to asOf. */
  readonly rawAtAsOf: number;
  /** S(from) · (2^(−(asOf − from)/H) − 1): what time alone took away (<= 0 when S(from) > 0). */
  readonly decay: number;
  /**
   * Events with from <= t_e <= asOf, largest |contribution| first (ties: later first, then by source
   * and id), at most `limit`. `rawAtAsOf − rawAtFrom = decay + Σ contribution` over ALL period events.
   */
  readonly contributors: readonly Contributor[];
  /** Number of period events before `limit` was applied. */
  readonly periodEventCount: number;
}

/**
 * Why a scope's metric moved between `fromMs` and `asOfMs`: the change split into decay of what was there
 * at `fromMs` and the events of the period, largest first. Exact at event granularity (uses event times,
 * not day buckets). Events are de-duplicated by (source, id) and filtered to the scope here.
 */
export function explain(
  events: Iterable<ScoringEvent>,
  scope: Scope,
  metric: Metric,
  fromMs: number,
  asOfMs: number,
  config: ScoringConfig,
  limit = 10,
): Explanation {
  const h = halfLifeMs(metric, config);
  let rawAtFrom = 0;
  const period: Contributor[] = [];
  for (const event of dedupEvents(events)) {
    if (!eventInScope(event, scope) || event.timeMs > asOfMs) continue;
    const weight = contributionOf(event, config)[metric];
    if (event.timeMs < fromMs) {
      rawAtFrom += decayedWeight(weight, event.timeMs, fromMs, h);
      continue;
    }
    const { id, source, type, timeMs } = event;
    period.push({ id, source, type, timeMs, weight, contribution: decayedWeight(weight, timeMs, asOfMs, h) });
  }
  const carried = rawAtFrom * 2 ** -((asOfMs - fromMs) / h);
  const rawAtAsOf = carried + period.reduce((sum, c) => sum + c.contribution, 0);
  period.sort(
    (a, b) =>
      Math.abs(b.contribution) - Math.abs(a.contribution) ||
      b.timeMs - a.timeMs ||
      (a.source < b.source ? -1 : a.source > b.source ? 1 : 0) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return {
    scope,
    metric,
    fromMs,
    asOfMs,
    rawAtFrom,
    rawAtAsOf,
    decay: carried - rawAtFrom,
    contributors: period.slice(0, Math.max(0, limit)),
    periodEventCount: period.length,
  };
}
