import { DAY_MS, dailyContributions } from '@mesh-momentum/forecast';
import { METRICS, normalise, type Metric, type ScopeKind, type ScoringConfig } from '@mesh-momentum/scoring';

/**
 * A scope's daily history, computed from the anchored day buckets of its aggregate hash
 * (`d:<metric>:<day>`, docs/redis-contract.md) until the store's history API lands. Each point is the
 * score at the end of a UTC day (the next midnight b, counting events with t_e < b), exactly as
 * docs/scoring.md defines S at a midnight: `(Σ_{day < dayIndex(b)} A_day) · 2^(−(b − T0)/H)`.
 */
export interface HistoryPoint {
  /** The UTC day, as the ms of its start. */
  readonly dayMs: number;
  readonly momentum: number;
  readonly value: number;
}

/** UTC day index → anchored sum, per metric, from aggregate hash fields. */
export function dayBucketsOf(fields: Readonly<Record<string, string>>): Record<Metric, Map<number, number>> {
  const out: Record<Metric, Map<number, number>> = { momentum: new Map(), value: new Map() };
  for (const [field, raw] of Object.entries(fields)) {
    if (!field.startsWith('d:')) continue;
    const [, metric, day] = field.split(':');
    if (metric !== 'momentum' && metric !== 'value') continue;
    out[metric].set(Number(day), Number(raw));
  }
  return out;
}

/**
 * The last `days` UTC days up to and including `lastDay`, oldest first.
 * O(buckets + days): one pass sums the buckets before the window, a second walks it.
 */
export function dailyHistory(
  buckets: Record<Metric, ReadonlyMap<number, number>>,
  lastDay: number,
  days: number,
  config: ScoringConfig,
  kind: ScopeKind,
): HistoryPoint[] {
  const firstDay = lastDay - days + 1;
  const series: Record<Metric, number[]> = { momentum: [], value: [] };
  for (const metric of METRICS) {
    const halfLifeMs = config[metric].halfLifeDays * DAY_MS;
    const k = config[metric].normalisationK[kind];
    let cumulative = 0;
    for (const [day, anchored] of buckets[metric]) if (day < firstDay) cumulative += anchored;
    for (let day = firstDay; day <= lastDay; day++) {
      cumulative += buckets[metric].get(day) ?? 0;
      const endMs = (day + 1) * DAY_MS;
      series[metric].push(normalise(cumulative * 2 ** -((endMs - config.anchorEpochMs) / halfLifeMs), k));
    }
  }
  return series.momentum.map((momentum, i) => ({
    dayMs: (firstDay + i) * DAY_MS,
    momentum,
    value: series.value[i] ?? 0,
  }));
}

/** The recent daily contributions the forecast resamples (docs/scoring.md, "Forecast"). */
export const FORECAST_SAMPLE_DAYS = 56;

export function recentDaily(
  buckets: Record<Metric, ReadonlyMap<number, number>>,
  metric: Metric,
  lastDay: number,
  config: ScoringConfig,
): number[] {
  return dailyContributions(
    buckets[metric],
    lastDay,
    FORECAST_SAMPLE_DAYS,
    config.anchorEpochMs,
    config[metric].halfLifeDays * DAY_MS,
  );
}

/**
 * The mesh has no aggregate hash of its own (docs/redis-contract.md: mesh figures are derived from the
 * domains'): its day buckets are the sums of the domains' (anchored sums add up).
 */
export function sumDayFields(all: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  const sums = new Map<string, number>();
  for (const fields of all) {
    for (const [field, raw] of Object.entries(fields)) {
      if (field.startsWith('d:')) sums.set(field, (sums.get(field) ?? 0) + Number(raw));
    }
  }
  return Object.fromEntries([...sums].map(([field, sum]) => [field, String(sum)]));
}
