import type { DomainScope } from './keys.ts';

/** One of the largest contributions to a scope's metric, as the movers sets keep it (member JSON). */
export interface Mover {
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly timeMs: number;
  /** The event's weight w_e on the metric, before decay. */
  readonly weight: number;
}

/**
 * How many of the largest contributions each scope keeps per metric ("what moved it most"): a domain
 * keeps 50; a data product, of which a mesh has thousands, keeps 20 (the sets were half of Redis's
 * memory with 50 each, ~300 bytes per applied event). Part of the contract: a set never holds more.
 */
export const MOVERS_KEPT = { domain: 50, product: 20 } as const;

export function moversKept(scope: DomainScope): number {
  return MOVERS_KEPT[scope.kind];
}
