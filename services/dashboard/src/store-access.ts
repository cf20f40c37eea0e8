import type { Redis } from 'ioredis';
import {
  keys,
  scoreFromFields,
  type DomainScope,
  type KeySpace,
  type Mover,
  type RankedMetric,
  type StoredScore,
} from '@mesh-momentum/store';

/**
 * Every Redis access of the dashboard, and the only one: reads under the key contract
 * (docs/redis-contract.md) plus the dashboard's own targets hash (docs/dashboard.md). When the store
 * package's snapshot reader, history and change notifications land, this is the one file to switch.
 */

/** The dashboard's own key (outside any namespace, so a rebuild keeps the targets): hash, docs/dashboard.md. */
export const targetsKey = (prefix: string): string => `${prefix}:dashboard:targets`;

export interface DomainScores {
  readonly domain: string;
  readonly score: StoredScore | undefined;
}

export interface ProductScores {
  readonly products: ReadonlyMap<string, StoredScore>;
  readonly stalledProducts: ReadonlySet<string>;
}

export class DashboardStore {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  get prefix(): string {
    return this.#prefix;
  }

  /** The namespace in use; undefined before any processor ran. */
  async namespace(): Promise<string | undefined> {
    return (await this.#redis.get(keys.namespacePointer(this.#prefix))) ?? undefined;
  }

  #ks(namespace: string): KeySpace {
    return { prefix: this.#prefix, namespace };
  }

  /** The mesh score and every domain's score, in two round trips. */
  async domainScores(namespace: string): Promise<{ mesh: StoredScore | undefined; domains: DomainScores[] }> {
    const ks = this.#ks(namespace);
    const [names, meshHash] = await Promise.all([
      this.#redis.smembers(keys.domains(ks)),
      this.#redis.hgetall(keys.meshScore(ks)),
    ]);
    names.sort();
    const pipeline = this.#redis.pipeline();
    for (const domain of names) pipeline.hgetall(keys.scopeScore(ks, domain, { kind: 'domain' }));
    const results = (await pipeline.exec()) ?? [];
    return {
      mesh: scoreFromFields(meshHash),
      domains: names.map((domain, i) => ({
        domain,
        score: scoreFromFields(resultOf<Record<string, string>>(results[i]) ?? {}),
      })),
    };
  }

  /** One domain's products with their scores, and which of them are stalled. */
  async productScores(namespace: string, domain: string): Promise<ProductScores> {
    const ks = this.#ks(namespace);
    const [ids, stalled] = await Promise.all([
      this.#redis.smembers(keys.domainProducts(ks, domain)),
      this.#redis.smembers(keys.stalledProducts(ks, domain)),
    ]);
    const pipeline = this.#redis.pipeline();
    for (const productId of ids)
      pipeline.hgetall(keys.scopeScore(ks, domain, { kind: 'product', productId }));
    const results = (await pipeline.exec()) ?? [];
    const products = new Map<string, StoredScore>();
    ids.forEach((productId, i) => {
      const score = scoreFromFields(resultOf<Record<string, string>>(results[i]) ?? {});
      if (score) products.set(productId, score);
    });
    return { products, stalledProducts: new Set(stalled) };
  }

  /**
   * The scope's aggregate fields (anchored day buckets, counts): what the daily history is computed
   * from until the store's history API lands. Processor state under the contract, read only.
   */
  async aggregateFields(
    namespace: string,
    domain: string,
    scope: DomainScope,
  ): Promise<Record<string, string>> {
    return this.#redis.hgetall(keys.scopeAggregate(this.#ks(namespace), domain, scope));
  }

  async movers(
    namespace: string,
    domain: string,
    scope: DomainScope,
    metric: RankedMetric,
    limit: number,
  ): Promise<Mover[]> {
    const key = keys.scopeMovers(this.#ks(namespace), domain, scope, metric);
    const members = await this.#redis.zrevrange(key, 0, limit - 1);
    return members.map((m) => JSON.parse(m) as Mover);
  }

  /** Every stored target: field → JSON (targets.ts reads both). */
  async targets(): Promise<Record<string, string>> {
    return this.#redis.hgetall(targetsKey(this.#prefix));
  }

  async setTarget(field: string, json: string): Promise<void> {
    await this.#redis.hset(targetsKey(this.#prefix), field, json);
  }

  async deleteTarget(field: string): Promise<boolean> {
    return (await this.#redis.hdel(targetsKey(this.#prefix), field)) > 0;
  }

  /**
   * Subscribes to the namespace's change notifications and to namespace switches on a connection of its
   * own (a subscribed connection can do nothing else). Returns a function that unsubscribes and closes it.
   */
  async subscribe(namespace: string, onChange: () => void): Promise<() => Promise<void>> {
    const subscriber = this.#redis.duplicate();
    const channels = [keys.changesChannel(this.#ks(namespace)), keys.namespaceChannel(this.#prefix)];
    subscriber.on('message', () => onChange());
    await subscriber.subscribe(...channels);
    return async () => {
      subscriber.disconnect();
    };
  }

  async ping(): Promise<boolean> {
    return (await this.#redis.ping()) === 'PONG';
  }
}

function resultOf<T>(entry: [Error | null, unknown] | undefined): T | undefined {
  if (!entry) return undefined;
  const [error, value] = entry;
  if (error) throw error;
  return value as T;
}
