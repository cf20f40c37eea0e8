/**
 * Every Redis key Mesh Momentum reads or writes is built here, and docs/redis-contract.md documents
 * them. Layout: `<prefix>:<namespace>:{<domain>}:<what>`. The `{<domain>}` hash tag puts all keys of
 * one domain, and its products, in one Redis Cluster slot, so one Lua script can update them
 * atomically. The namespace is a version: a rebuild writes a fresh namespace and then switches the
 * pointer `<prefix>:namespace`, which readers resolve first.
 */
export interface KeySpace {
  readonly prefix: string;
  readonly namespace: string;
}

/** Domain names become part of keys; braces or colons would break the hash tag and the layout. */
export function assertKeySafe(value: string, what: string): string {
  if (value.length === 0 || /[{}\s]/.test(value)) {
    throw new TypeError(
      `${what} ${JSON.stringify(value)} cannot be used in a Redis key (empty, braces or spaces)`,
    );
  }
  return value;
}

export const keys = {
  /** String: the namespace readers should use (switched atomically by a rebuild). */
  namespacePointer: (prefix: string) => `${prefix}:namespace`,

  /** Hash, per domain: `<topic>:<partition>` → last applied offset; `fence:<topic>:<partition>` → epoch. */
  domainProgress: (ks: KeySpace, domain: string) =>
    `${ks.prefix}:${ks.namespace}:{${assertKeySafe(domain, 'domain')}}:progress`,

  /** Hash, per domain: event-id de-duplication, `<source>|<id>` → offset that applied it. */
  domainSeenEvents: (ks: KeySpace, domain: string) =>
    `${ks.prefix}:${ks.namespace}:{${assertKeySafe(domain, 'domain')}}:seen`,

  /** Hash, per domain: event type → number of applied events. */
  domainEventCounts: (ks: KeySpace, domain: string) =>
    `${ks.prefix}:${ks.namespace}:{${assertKeySafe(domain, 'domain')}}:counts`,

  /** Counter, per partition: fencing epoch, incremented by each assignment of the partition. */
  partitionEpoch: (ks: KeySpace, topic: string, partition: number) =>
    `${ks.prefix}:${ks.namespace}:epoch:${topic}:${partition}`,

  /** Set: the domains with any applied event (mesh-wide readers iterate it). */
  domains: (ks: KeySpace) => `${ks.prefix}:${ks.namespace}:domains`,
} as const;
