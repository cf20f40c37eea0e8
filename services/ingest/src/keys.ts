import { createHash } from 'node:crypto';

/**
 * Every Redis key the gateway writes, built here and nowhere else. All under `<MM_REDIS_KEY_PREFIX>:ingest:`;
 * each operation touches one key, so the layout works on Redis Cluster as it is.
 */
export interface IngestKeys {
  /** A webhook delivery seen (value `pending` while sent to Kafka, `done` after). String with TTL. */
  delivery(tool: string, source: string, deliveryId: string): string;
  /** Unmapped tool entities, scored by when last seen (ms). Sorted set, trimmed to MM_INGEST_UNMAPPED_MAX. */
  readonly unmapped: string;
  /**
   * A rate budget (rate-budget.ts): units taken in the current window by one token (`token`, its id), one
   * verified webhook (`webhook`, its label) or one address whose webhook verifications failed
   * (`unverified`, the address). String with TTL.
   */
  rateBudget(kind: string, id: string): string;
  /** Data Mesh Manager poller: last processed feed event id. String. */
  dmmCursor(source: string): string;
  /** Data Mesh Manager poller: last body seen per data product id (a deleted product cannot be read). Hash. */
  dmmProducts(source: string): string;
  /** Backstage poller: the last snapshot (JSON). String. */
  backstageSnapshot(source: string): string;
  /** `pnpm ingest:import <tool>`: the position after the last page Kafka acknowledged (JSON); gone once complete. String. */
  importCheckpoint(tool: string, source: string): string;
  /** Backstage poller: a round held for retiring too many products, until confirmed (JSON). String. */
  backstageHold(source: string): string;
}

/** Short, fixed-length key part for a URI or a tool's id (any characters, any length). */
function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

export function ingestKeys(prefix: string): IngestKeys {
  const base = `${prefix}:ingest`;
  return {
    delivery: (tool, source, deliveryId) => `${base}:delivery:${tool}:${digest(`${source}\n${deliveryId}`)}`,
    unmapped: `${base}:unmapped`,
    rateBudget: (kind, id) => `${base}:rate:${kind}:${id}`,
    dmmCursor: (source) => `${base}:dmm:${digest(source)}:cursor`,
    dmmProducts: (source) => `${base}:dmm:${digest(source)}:products`,
    backstageSnapshot: (source) => `${base}:backstage:${digest(source)}:snapshot`,
    importCheckpoint: (tool, source) => `${base}:import:${tool}:${digest(source)}:checkpoint`,
    backstageHold: (source) => `${base}:backstage:${digest(source)}:hold`,
  };
}
