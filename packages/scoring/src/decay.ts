import { DAY_MS } from './time.ts';

/**
 * Exponential decay in anchored form. A raw metric `S(t) = Σ w_e · 2^(−(t − t_e)/H)` is stored as
 * `A = Σ w_e · 2^((t_e − T0)/H)` for a fixed reference epoch T0, so that `S(t) = A · 2^(−(t − T0)/H)`.
 * Applying an event only ever *adds* to A (a sum the processor keeps in Redis), and merging two
 * partial states is an addition; nothing needs to be re-decayed when time passes.
 */

/**
 * Largest |exponent| allowed in `2^((t − T0)/H)`. Doubles overflow at 2^1024; 1000 leaves room for
 * sums of many terms and for weights up to 2^20. With H = 14 days that is 14 000 days (≈ 38 years)
 * either side of T0; with H = 91 days, ≈ 249 years.
 */
export const MAX_ANCHOR_EXPONENT = 1000;

function exponentOf(timeMs: number, anchorEpochMs: number, halfLifeMs: number): number {
  const exponent = (timeMs - anchorEpochMs) / halfLifeMs;
  if (!Number.isFinite(exponent) || Math.abs(exponent) > MAX_ANCHOR_EXPONENT) {
    throw new RangeError(
      `time ${timeMs} is too far from the anchor epoch ${anchorEpochMs} for half-life ${halfLifeMs / DAY_MS} days ` +
        `(|(t − T0)/H| must be <= ${MAX_ANCHOR_EXPONENT}); rebase the anchored sums (rebaseAnchored)`,
    );
  }
  return exponent;
}

/** The growth factor `2^((t − T0)/H)` that anchors a weight at time t. @throws RangeError out of range. */
export function anchorFactor(timeMs: number, anchorEpochMs: number, halfLifeMs: number): number {
  return 2 ** exponentOf(timeMs, anchorEpochMs, halfLifeMs);
}

/** `w · 2^((t_e − T0)/H)`: what applying an event of weight w at t_e adds to an anchored sum. */
export function anchoredWeight(
  weight: number,
  eventTimeMs: number,
  anchorEpochMs: number,
  halfLifeMs: number,
): number {
  return weight * anchorFactor(eventTimeMs, anchorEpochMs, halfLifeMs);
}

/** `S(t) = A · 2^(−(t − T0)/H)`: the decayed sum at time t of an anchored sum A. */
export function decayedAt(
  anchored: number,
  timeMs: number,
  anchorEpochMs: number,
  halfLifeMs: number,
): number {
  return anchored * 2 ** -exponentOf(timeMs, anchorEpochMs, halfLifeMs);
}

/**
 * Re-expresses an anchored sum for a new reference epoch: `A' = A · 2^(−(T1 − T0)/H)`. Apply to every
 * stored anchored number (totals and day buckets) at once, together with the config change, before
 * event times reach `MAX_ANCHOR_EXPONENT` half-lives past the old epoch.
 */
export function rebaseAnchored(
  anchored: number,
  fromEpochMs: number,
  toEpochMs: number,
  halfLifeMs: number,
): number {
  return anchored * 2 ** -((toEpochMs - fromEpochMs) / halfLifeMs);
}

/** The plain formula `w · 2^(−(t − t_e)/H)`, used by the reference computation and `explain`. */
export function decayedWeight(weight: number, eventTimeMs: number, atMs: number, halfLifeMs: number): number {
  return weight * 2 ** -((atMs - eventTimeMs) / halfLifeMs);
}
