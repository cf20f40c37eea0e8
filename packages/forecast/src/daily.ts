/** One UTC day, ms. */
export const DAY_MS = 86_400_000;

/**
 * Recent daily contributions of one metric, from the scope's daily raw series (the store's history:
 * S at the end of each UTC day, oldest first, one point per day).
 *
 * Between two ends of day, `S_d = q · S_{d−1} + C_d` with `q = 2^(−1/H)`, where C_d is what the day's
 * events add, decayed to the end of their day. So `C_d = S_d − q · S_{d−1}` exactly: the very quantity
 * the forecast's step adds (docs/scoring.md, "Forecast"). Negative days (incidents, losses) stay negative.
 *
 * @param endOfDayRaw S at consecutive ends of day, oldest first (at least two points for one contribution).
 * @param halfLifeDays H of the metric, days.
 * @returns one contribution per day after the first, oldest first.
 */
export function dailyContributions(endOfDayRaw: readonly number[], halfLifeDays: number): number[] {
  const q = 2 ** (-1 / halfLifeDays);
  const out: number[] = [];
  for (let i = 1; i < endOfDayRaw.length; i++) {
    out.push((endOfDayRaw[i] as number) - q * (endOfDayRaw[i - 1] as number));
  }
  return out;
}
