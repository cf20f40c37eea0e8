import { keys, type DomainScope, type KeySpace, type RankedMetric } from './keys.ts';
import type { RedisClient } from './redis-client.ts';
import { scoreFromFields, type StoredScore } from './score-fields.ts';

export interface Mover {
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly timeMs: number;
  /** The event's weight w_e on the metric, before decay. */
  readonly weight: number;
}

export interface Ranked {
  readonly member: string;
  readonly score: number;
}

/**
 * Reads scores under the key contract (docs/redis-contract.md), the way a dashboard or the alerter
 * would: resolve the namespace first, then read. Read-only.
 */
export class ScoreReader {
  readonly #redis: RedisClient;
  readonly #prefix: string;

  constructor(redis: RedisClient, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  /** The namespace in use; undefined before any processor ran. */
  async namespace(): Promise<string | undefined> {
    return (await this.#redis.get(keys.namespacePointer(this.#prefix))) ?? undefined;
  }

  async #keySpace(namespace?: string): Promise<KeySpace | undefined> {
    const ns = namespace ?? (await this.namespace());
    return ns === undefined ? undefined : { prefix: this.#prefix, namespace: ns };
  }

  async scopeScore(domain: string, scope: DomainScope, namespace?: string): Promise<StoredScore | undefined> {
    const ks = await this.#keySpace(namespace);
    return ks && scoreFromFields(await this.#redis.hgetall(keys.scopeScore(ks, domain, scope)));
  }

  async meshScore(namespace?: string): Promise<StoredScore | undefined> {
    const ks = await this.#keySpace(namespace);
    return ks && scoreFromFields(await this.#redis.hgetall(keys.meshScore(ks)));
  }

  async domains(namespace?: string): Promise<string[]> {
    const ks = await this.#keySpace(namespace);
    return ks ? (await this.#redis.smembers(keys.domains(ks))).sort() : [];
  }

  async products(domain: string, namespace?: string): Promise<string[]> {
    const ks = await this.#keySpace(namespace);
    return ks ? (await this.#redis.smembers(keys.domainProducts(ks, domain))).sort() : [];
  }

  async domainRanking(metric: RankedMetric, limit = 10, namespace?: string): Promise<Ranked[]> {
    const ks = await this.#keySpace(namespace);
    return ks ? this.#ranking(keys.domainRanking(ks, metric), limit) : [];
  }

  async productRanking(
    domain: string,
    metric: RankedMetric,
    limit = 10,
    namespace?: string,
  ): Promise<Ranked[]> {
    const ks = await this.#keySpace(namespace);
    return ks ? this.#ranking(keys.productRanking(ks, domain, metric), limit) : [];
  }

  async stalled(namespace?: string): Promise<string[]> {
    const ks = await this.#keySpace(namespace);
    return ks ? (await this.#redis.smembers(keys.stalled(ks))).sort() : [];
  }

  /** The domain's data products whose momentum is stalled. */
  async stalledProducts(domain: string, namespace?: string): Promise<string[]> {
    const ks = await this.#keySpace(namespace);
    return ks ? (await this.#redis.smembers(keys.stalledProducts(ks, domain))).sort() : [];
  }

  /** The events with the largest contributions to the scope's metric, largest first. */
  async movers(
    domain: string,
    scope: DomainScope,
    metric: RankedMetric,
    limit = 10,
    namespace?: string,
  ): Promise<Mover[]> {
    const ks = await this.#keySpace(namespace);
    if (!ks) return [];
    const members = await this.#redis.zrevrange(keys.scopeMovers(ks, domain, scope, metric), 0, limit - 1);
    return members.map((m) => JSON.parse(m) as Mover);
  }

  async #ranking(key: string, limit: number): Promise<Ranked[]> {
    const flat = await this.#redis.zrevrange(key, 0, limit - 1, 'WITHSCORES');
    const result: Ranked[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      result.push({ member: flat[i] as string, score: Number(flat[i + 1]) });
    }
    return result;
  }
}
