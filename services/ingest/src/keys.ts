import { createHash } from 'node:crypto';

/**
 * Every Redis key the gateway and `pnpm ingest:import` write, built here and nowhere else; private to
 * the gateway (no other service reads them), listed in docs/redis-contract.md with every other key.
 * All under `<MM_REDIS_KEY_PREFIX>:ingest:`; each operation touches one key, so the layout works on
 * Redis Cluster as it is.
 */
export interface IngestKeys {
  /** String with TTL: a webhook delivery seen (its claim while sent to Kafka, `done` after). */
  delivery(tool: string, source: string, deliveryId: string): string;
  /** Sorted set: unmapped tool entities, scored by when last seen (ms), trimmed to MM_INGEST_UNMAPPED_MAX. */
  readonly unmapped: string;
  /**
   * String with TTL: a rate budget (rate-budget.ts), units taken in the current window by one token
   * (`token`, its id), one verified webhook (`webhook`, its label) or one address whose webhook
   * verifications failed (`unverified`, the address).
   */
  rateBudget(kind: string, id: string): string;
  /** String: the Data Mesh Manager poller's last processed feed event id. */
  dmmCursor(source: string): string;
  /** Hash: the Data Mesh Manager poller's last body seen per data product id (a deleted product cannot be read). */
  dmmProducts(source: string): string;
  /** String: the Backstage poller's last snapshot (JSON). */
  backstageSnapshot(source: string): string;
  /** String: where `pnpm ingest:import <tool>` goes on, after the last page Kafka acknowledged (JSON); gone once complete. */
  importCheckpoint(tool: string, source: string): string;
  /** String: a Backstage round held for retiring too many products, until confirmed (JSON). */
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
