/** Milliseconds in one day. Days are UTC days: scoring has no notion of time zones or leap seconds. */
export const DAY_MS = 86_400_000;

/** The UTC day an instant falls in: `floor(timeMs / DAY_MS)`, so day 0 is 1970-01-01. */
export function dayIndexOf(timeMs: number): number {
  return Math.floor(timeMs / DAY_MS);
}

/** Midnight UTC at the start of the day `timeMs` falls in. */
export function startOfUtcDay(timeMs: number): number {
  return dayIndexOf(timeMs) * DAY_MS;
}
