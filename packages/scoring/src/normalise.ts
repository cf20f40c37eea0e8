/**
 * `N(S) = 100 · (1 − e^(−S/K))` for S > 0 and 0 for S <= 0: a raw sum that is net negative (more
 * trust lost than momentum built) scores 0, never below. Always within 0..100; 100 is reached only when
 * e^(−S/K) rounds to 0 (S/K > ~37).
 */
export function normalise(raw: number, k: number): number {
  if (!(raw > 0)) return 0;
  // −expm1(−x) = 1 − e^(−x) without cancellation for small x.
  return -100 * Math.expm1(-raw / k);
}

export const QUADRANTS = ['thriving', 'hype', 'grind', 'stalled'] as const;
export type Quadrant = (typeof QUADRANTS)[number];

/**
 * Quadrant from the two normalised scores; a score equal to its threshold counts as high.
 * thriving: both high; hype: momentum only; grind: value only; stalled: neither.
 */
export function quadrantOf(
  momentumScore: number,
  valueScore: number,
  thresholds: { readonly momentumThreshold: number; readonly valueThreshold: number },
): Quadrant {
  const momentumHigh = momentumScore >= thresholds.momentumThreshold;
  const valueHigh = valueScore >= thresholds.valueThreshold;
  if (momentumHigh) return valueHigh ? 'thriving' : 'hype';
  return valueHigh ? 'grind' : 'stalled';
}
