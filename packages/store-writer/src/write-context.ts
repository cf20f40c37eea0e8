import type { ScoringConfig } from '@mesh-momentum/scoring';
import type { KeySpace, RedisClient } from '@mesh-momentum/store';
import type { DomainLocks } from './domain-locks.ts';
import type { MirrorCache } from './mirror-cache.ts';

/**
 * What the parts of one ScoreStore share: where they write, how they score, and the mirrors and
 * per-domain locks that keep a batch and a refresh of the same domain apart.
 */
export interface WriteContext {
  readonly redis: RedisClient;
  readonly keySpace: KeySpace;
  readonly config: ScoringConfig;
  /** The de-duplication window (MM_PROCESSOR_DEDUP_WINDOW_DAYS), ms. */
  readonly dedupWindowMs: number;
  readonly mirrors: MirrorCache;
  readonly locks: DomainLocks;
}

/** Keeps the mirrors within their budget, never dropping one a batch or refresh is using. */
export function evictIdleOverBudget(context: WriteContext): void {
  context.mirrors.evictOverBudget((domain) => context.locks.isBusy(domain));
}
