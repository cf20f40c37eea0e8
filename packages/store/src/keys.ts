/**
 * Every Redis key Mesh Momentum reads or writes is built here; docs/redis-contract.md documents them.
 *
 * Layout: `<prefix>:<namespace>:{<domain>}:<what>[:<scope>]`. The `{<domain>}` hash tag puts every key
 * of one domain and of its data products in one Redis Cluster slot, so one Lua script updates them
 * atomically. Mesh-wide keys use the tag `{mesh}`. The namespace is a version: a rebuild writes a fresh
 * namespace and then switches the pointer `<prefix>:namespace`, which readers resolve first.
 */
export interface KeySpace {
  readonly prefix: string;
  readonly namespace: string;
}

/** A scope whose scores live in a domain's slot: the domain itself or one of its data products. */
export type DomainScope =
  { readonly kind: 'domain' } | { readonly kind: 'product'; readonly productId: string };

export const MESH_TAG = 'mesh';

/** Values that become part of keys; braces would break the hash tag, whitespace the readability. */
export function assertKeySafe(value: string, what: string): string {
  if (value.length === 0 || /[{}\s]/.test(value)) {
    throw new TypeError(
      `${what} ${JSON.stringify(value)} cannot be used in a Redis key (empty, braces or whitespace)`,
    );
  }
  return value;
}

/** `domain` or `product:<productId>`: the scope part of a key and the member name in rankings. */
export function scopeId(scope: DomainScope): string {
  return scope.kind === 'domain' ? 'domain' : `product:${assertKeySafe(scope.productId, 'productId')}`;
}

const domainBase = (ks: KeySpace, domain: string) =>
  `${ks.prefix}:${ks.namespace}:{${assertKeySafe(domain, 'domain')}}`;
const meshBase = (ks: KeySpace) => `${ks.prefix}:${ks.namespace}:{${MESH_TAG}}`;

export type RankedMetric = 'momentum' | 'value';

export const keys = {
  /** String: the namespace readers use; a rebuild switches it atomically. */
  namespacePointer: (prefix: string) => `${prefix}:namespace`,
  /** String: the namespace a rebuild is writing, while it runs (also its lock). */
  rebuildPointer: (prefix: string) => `${prefix}:namespace:rebuilding`,
  /** Pub/sub channel: the new namespace, published when a rebuild switches readers to it. */
  namespaceChannel: (prefix: string) => `${prefix}:namespace:switched`,

  // ---- per domain, all in the domain's slot ------------------------------------------------------
  /**
   * Hash: `<topic>:<partition>` → highest applied offset (information); `fence:<topic>:<partition>` →
   * newest epoch seen; `version` → number of batches applied to the domain (see the apply script).
   */
  domainProgress: (ks: KeySpace, domain: string) => `${domainBase(ks, domain)}:progress`,
  /**
   * Hash per de-duplication period (records whose Kafka timestamps fall in the same window of
   * MM_PROCESSOR_DEDUP_WINDOW_DAYS, numbered from the epoch; the window is part of the key, so changing it never
   * mixes periods of different lengths): `<source>|<id>` → offset that applied the event. Expires two
   * windows after its period ends (or a day after its last write, for long-past periods).
   */
  domainSeenEvents: (ks: KeySpace, domain: string, windowMs: number, period: number) =>
    `${domainBase(ks, domain)}:seen:${windowMs / 86_400_000}d:${period}`,
  /** Set: product ids with any applied event in the domain. */
  domainProducts: (ks: KeySpace, domain: string) => `${domainBase(ks, domain)}:products`,
  /** Hash: the scope's aggregate (anchored sums, day buckets, counts, times): the scoring state. */
  scopeAggregate: (ks: KeySpace, domain: string, scope: DomainScope) =>
    `${domainBase(ks, domain)}:agg:${scopeId(scope)}`,
  /** Hash: entity key → latest standing entry (JSON) of champions, sponsors and consumers. */
  scopeStanding: (ks: KeySpace, domain: string, scope: DomainScope) =>
    `${domainBase(ks, domain)}:standing:${scopeId(scope)}`,
  /** Hash: the scope's current scores, what dashboards read (docs/redis-contract.md lists the fields). */
  scopeScore: (ks: KeySpace, domain: string, scope: DomainScope) =>
    `${domainBase(ks, domain)}:score:${scopeId(scope)}`,
  /** Sorted set per metric: the events that moved the scope most (member JSON, score |anchored weight|). */
  scopeMovers: (ks: KeySpace, domain: string, scope: DomainScope, metric: RankedMetric) =>
    `${domainBase(ks, domain)}:movers:${metric}:${scopeId(scope)}`,
  /** Set: the domain's products whose momentum is stalled (kept by the apply script with their scores). */
  stalledProducts: (ks: KeySpace, domain: string) => `${domainBase(ks, domain)}:stalled-products`,
  /** Sorted set per metric: the domain's products by normalised score. */
  productRanking: (ks: KeySpace, domain: string, metric: RankedMetric) =>
    `${domainBase(ks, domain)}:rank:products:${metric}`,

  // ---- mesh-wide ---------------------------------------------------------------------------------
  /** Set: every domain with any applied event. */
  domains: (ks: KeySpace) => `${meshBase(ks)}:domains`,
  /** Hash: the mesh's current scores (same fields as a scope score). */
  meshScore: (ks: KeySpace) => `${meshBase(ks)}:score`,
  /** Sorted set per metric: domains by normalised score. */
  domainRanking: (ks: KeySpace, metric: RankedMetric) => `${meshBase(ks)}:rank:domains:${metric}`,
  /** Set: domains whose momentum is stalled, and `mesh` when the whole mesh is (products: stalledProducts). */
  stalled: (ks: KeySpace) => `${meshBase(ks)}:stalled`,
  /**
   * Hash: `<topic>:<partition>` → next offset to process, written after each applied batch. A consumer
   * resumes from it on assignment, so the namespace, not the consumer group, defines the position.
   */
  partitionProgress: (ks: KeySpace) => `${meshBase(ks)}:partition-progress`,
  /** Counter per partition: fencing epoch, incremented by each assignment of the partition. */
  partitionEpoch: (ks: KeySpace, topic: string, partition: number) =>
    `${meshBase(ks)}:epoch:${topic}:${partition}`,
  /**
   * Pub/sub channel: JSON `scores`, `stall` and `mesh` messages after every write (notifications.ts,
   * docs/redis-contract.md "Change notifications").
   */
  changesChannel: (ks: KeySpace) => `${ks.prefix}:${ks.namespace}:changes`,
} as const;

/** The namespace a fresh installation starts with. */
export const INITIAL_NAMESPACE = 'v1';
