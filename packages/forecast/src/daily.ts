/** One UTC day, ms. */
export const DAY_MS = 86_400_000;

/**
 * Recent daily contributions of one metric, from the anchored day buckets the processor keeps
 * (`d:<metric>:<day>` of a scope's aggregate, docs/redis-contract.md).
 *
 * A bucket holds `A_d = Σ w_e · 2^((t_e − T0)/H)` over the events of UTC day d. Read back at the day's
 * noon, `A_d · 2^(−(noon_d − T0)/H)` is the sum of the day's weights to within `2^(±0.5/H)` (±2.5 % for
 * H = 14 days), which is what the forecast resamples: "what a day of this scope typically adds".
 *
 * @param anchoredByDay UTC day index → anchored sum; days without events may be missing (read as 0).
 * @param lastDay the last UTC day to include (usually the day of asOf).
 * @param days how many days, ending with lastDay, oldest first in the result.
 * @param anchorEpochMs T0 of the scoring config, ms since the epoch.
 * @param halfLifeMs H of the metric, ms.
 */
export function dailyContributions(
  anchoredByDay: ReadonlyMap<number, number>,
  lastDay: number,
  days: number,
  anchorEpochMs: number,
  halfLifeMs: number,
): number[] {
  const out: number[] = [];
  for (let day = lastDay - days + 1; day <= lastDay; day++) {
    const anchored = anchoredByDay.get(day) ?? 0;
    const noonMs = day * DAY_MS + DAY_MS / 2;
    out.push(anchored === 0 ? 0 : anchored * 2 ** -((noonMs - anchorEpochMs) / halfLifeMs));
  }
  return out;
}
