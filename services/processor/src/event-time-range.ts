import { EARLIEST_EVENT_TIME_MS } from '@mesh-momentum/events';
import { MAX_ANCHOR_EXPONENT, type ScoringConfig } from '@mesh-momentum/scoring';

/**
 * Share of the anchored-decay exponent range an event time may use: the rest leaves room for the
 * instants scores are computed at (now, trend baselines), which lie later than the events.
 */
const EXPONENT_SHARE = 0.9;
const DAY_MS = 86_400_000;

/**
 * Event times the scores can represent under this scoring config: anchored decay computes
 * 2^((t − T0)/H), which overflows far from the anchor epoch T0 for the shortest half-life H.
 */
export function representableRangeOf(scoring: ScoringConfig): {
  readonly minMs: number;
  readonly maxMs: number;
} {
  const shortestHalfLifeMs = Math.min(scoring.momentum.halfLifeDays, scoring.value.halfLifeDays) * DAY_MS;
  const reachMs = Math.floor(MAX_ANCHOR_EXPONENT * EXPONENT_SHARE * shortestHalfLifeMs);
  return { minMs: scoring.anchorEpochMs - reachMs, maxMs: scoring.anchorEpochMs + reachMs };
}

/**
 * Event times the processor applies: from the producers' accepted floor (EARLIEST_EVENT_TIME_MS, which
 * validation enforces at the SDK, CLI and ingest) to what the scores can represent. An event outside
 * that reached the topic anyway is dead-lettered with a reason of its own (MM_ERR_EVENT_OUT_OF_RANGE)
 * instead of failing every batch that holds it.
 */
export function eventTimeRangeOf(scoring: ScoringConfig): { readonly minMs: number; readonly maxMs: number } {
  const representable = representableRangeOf(scoring);
  return { minMs: Math.max(EARLIEST_EVENT_TIME_MS, representable.minMs), maxMs: representable.maxMs };
}
