/** Index of the first element of ascending `days` that is >= `day` (days.length when none). */
export function lowerBound(days: readonly number[], day: number): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((days[mid] as number) < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Where `day` is or belongs in ascending `days`: its index when present, else the index to insert it
 * at. The end is checked first: events mostly arrive in day order, so the day is usually the last or new.
 */
export function placeOf(days: readonly number[], day: number): number {
  const n = days.length;
  if (n === 0) return 0;
  const last = days[n - 1] as number;
  if (last === day) return n - 1;
  return last < day ? n : lowerBound(days, day);
}
