import { retiringProducts } from './diff.ts';
import type { BackstageSnapshot } from './snapshot.ts';

/** Default of the largest share of the known products one round may retire before it is held. */
export const DEFAULT_MAX_RETIRE_SHARE = 0.5;

/** A round that would retire more of the known products than allowed at once. */
export interface MassRetirement {
  /** Products live in the previous snapshot. */
  readonly known: number;
  /** Refs of the products the round would retire. */
  readonly retiring: readonly string[];
  /** `retiring.length / known`, 0..1. */
  readonly share: number;
}

/**
 * Whether going from `previous` to `current` retires more than `maxShare` of the known products. A catalog
 * that is suddenly empty or lost most of its entities (a broken catalog, a token that lost its
 * permissions, a filter changed) is more likely a fault than a programme retiring most of its products
 * at once; the poller holds such a round until an operator confirms it or the catalog recovers.
 * `maxShare` 1 never holds.
 */
export function massRetirement(
  previous: BackstageSnapshot,
  current: BackstageSnapshot,
  maxShare: number,
): MassRetirement | undefined {
  const known = Object.values(previous.products).filter((p) => !p.retired).length;
  if (known === 0) return undefined;
  const retiring = retiringProducts(previous, current);
  const share = retiring.length / known;
  return share > maxShare ? { known, retiring, share } : undefined;
}
