import { MAX_ANCHOR_EXPONENT, type ScoringConfig } from '@mesh-momentum/scoring';

/**
 * Share of the anchored-decay exponent range an event time may use: the rest leaves room for the
 * instants scores are computed at (now, trend baselines), which lie later than the events.
 */
const EXPONENT_SHARE = 0.9;
const DAY_MS = 86_400_000;

/**
 * Event times the scores can represent under this scoring config: anchored decay computes
 * 2^((t − T0)/H), which overflows far from the anchor epoch T0 for the shortest half-life H. An event
 * outside would make every batch that holds it fail; the processor dead-letters it instead.
 */
export function eventTimeRangeOf(scoring: ScoringConfig): { readonly minMs: number; readonly maxMs: number } {
  const shortestHalfLifeMs = Math.min(scoring.momentum.halfLifeDays, scoring.value.halfLifeDays) * DAY_MS;
  const reachMs = Math.floor(MAX_ANCHOR_EXPONENT * EXPONENT_SHARE * shortestHalfLifeMs);
  return { minMs: scoring.anchorEpochMs - reachMs, maxMs: scoring.anchorEpochMs + reachMs };
}
