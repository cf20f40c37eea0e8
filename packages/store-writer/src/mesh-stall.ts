import type { ScopeScore } from '@mesh-momentum/scoring';
import type { StallChanged } from '@mesh-momentum/store';

/** The mesh score hash's stall fields before a refresh (HMGET stalled, stalledSinceMs, stallReason). */
export type HeldStall = readonly (string | null)[];

/**
 * The mesh's `stalledSinceMs` after a refresh, and its transition message when `stalled` flipped: the
 * same rule the apply script follows for domains and products (the start carries over while the scope
 * stays stalled; a new stall starts at the refresh's asOf).
 */
export function meshStallAfter(
  held: HeldStall,
  score: ScopeScore,
  asOfMs: number,
): { stalledSinceMs: string; transition: StallChanged | undefined } {
  const was = held[0] === '1';
  const now = score.stall.stalled;
  const stalledSinceMs = now ? (was && held[1]) || String(asOfMs) : '';
  if (was === now) return { stalledSinceMs, transition: undefined };
  const reason = (now ? score.stall.reason : held[2]) ?? '';
  return {
    stalledSinceMs,
    transition: {
      t: 'stall',
      d: 'mesh',
      scope: 'mesh',
      stalled: now,
      reason: reason as StallChanged['reason'],
      atMs: asOfMs,
      sinceMs: Number(now ? stalledSinceMs : held[1]) || asOfMs,
    },
  };
}
