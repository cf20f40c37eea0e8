import type { RedisClient as Redis } from '@mesh-momentum/store';
import type { ScoringConfig } from '@mesh-momentum/scoring';
import {
  keys,
  MomentumReader,
  scoreFromFields,
  type DomainScope,
  type KeySpace,
  type Mover,
  type RankedMetric,
  type ScopeRef,
  type StoredScore,
} from '@mesh-momentum/store';

/**
 * Every Redis access of the dashboard, and the only one: reads under the key contract
 * (docs/redis-contract.md) plus the dashboard's own targets hash (docs/dashboard.md). Daily history
 * comes from the store's reader (`MomentumReader`, exact to the score hash); the score lists, movers
 * and notifications still read the contract directly (see the report of issue 12 for the switch).
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

/** One day of a scope's history as the dashboard shows it: normalised scores at the end of the day. */
export interface DayScores {
  /** The UTC day, as the ms of its start. */
  readonly dayMs: number;
  readonly momentum: number;
  readonly value: number;
  /** Raw decayed sums (what the forecast's recent daily contributions are read from). */
  readonly momentumRaw: number;
  readonly valueRaw: number;
}

export class DashboardStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #reader: MomentumReader;

  constructor(redis: Redis, prefix: string, scoring: ScoringConfig) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#reader = new MomentumReader(redis, { prefix, scoring });
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
   * The scope's daily history (the store's `historyOf`: each past day at its end, the last day at the
   * score's asOf); empty for a scope without data.
   */
  async history(namespace: string, ref: ScopeRef, days: number): Promise<DayScores[]> {
    const found = await this.#reader.snapshotOf(namespace).history(ref, { days });
    return (found?.points ?? []).map((p) => ({
      dayMs: p.day * 86_400_000,
      momentum: p.momentum.score,
      value: p.value.score,
      momentumRaw: p.momentum.raw,
      valueRaw: p.value.raw,
    }));
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
