import {
  AdapterPayloadError,
  type AdapterOutcome,
  type DeliveryItem,
  type ToolName,
  type UnmappedEntity,
} from '@mesh-momentum/adapters';

/**
 * One tool item read by an import: what the live path's adapter made of it (events, or why none), the
 * payload error that refuses it alone, or why the import left it out on purpose (a draft, before --since).
 */
export type ImportItem = DeliveryItem | { readonly ref: string; readonly skipped: string };

/** One page of a tool's history: sent together, then `checkpoint` is saved. */
export interface ImportPage<C> {
  readonly items: readonly ImportItem[];
  /** Tool entities the identity mapping does not resolve (listed, never dropped silently). */
  readonly unmapped: readonly UnmappedEntity[];
  /** Where to resume once this page is acknowledged; undefined: nothing to save yet. */
  readonly checkpoint: C | undefined;
  /** Units of `total` finished with this page (for the progress line). */
  readonly done: number;
}

/** A tool's history, read page by page from a checkpoint (undefined: from the beginning). */
export interface HistorySource<C> {
  readonly tool: ToolName;
  /** Units of work (repositories, feed pages), once known; undefined while unknown. */
  readonly total: number | undefined;
  pages(from: C | undefined): AsyncIterable<ImportPage<C>>;
}

/** What the live adapter makes of one item, or the payload error that refuses it alone. */
export function mappedItem(ref: string, map: () => AdapterOutcome): DeliveryItem {
  try {
    return { ref, outcome: map() };
  } catch (error) {
    if (error instanceof AdapterPayloadError) return { ref, error };
    throw error;
  }
}
