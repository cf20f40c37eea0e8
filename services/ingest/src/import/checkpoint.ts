import { redisCall, StoreReplyError } from '@mesh-momentum/common';
import type { RedisClient } from '@mesh-momentum/service-kit';

/**
 * An import's position in Redis (`<MM_REDIS_KEY_PREFIX>:ingest:import:<tool>:<digest of source>:checkpoint`, JSON; see
 * docs/redis-contract.md, "Ingest gateway"), saved after each page Kafka acknowledged and deleted when
 * the import completes. Redis rather than a file: the gateway's pollers keep their positions there
 * already, any machine (or the gateway's pod) can resume an import another one started, and the Data
 * Mesh Manager import's position is the live poller's own cursor.
 */
export class ImportCheckpoints<C> {
  readonly #redis: RedisClient;
  readonly #key: string;

  constructor(redis: RedisClient, key: string) {
    this.#redis = redis;
    this.#key = key;
  }

  async load(): Promise<C | undefined> {
    const raw = await redisCall('reading the import checkpoint', () => this.#redis.get(this.#key));
    if (raw === null) return undefined;
    try {
      return JSON.parse(raw) as C;
    } catch (error) {
      // Retrying cannot help: name the key, so it can be looked at or deleted to start over.
      throw new StoreReplyError(`the import checkpoint ${this.#key} is not JSON; delete it to start over`, {
        cause: error,
      });
    }
  }

  async save(checkpoint: C): Promise<void> {
    await redisCall('saving the import checkpoint', () =>
      this.#redis.set(this.#key, JSON.stringify(checkpoint)),
    );
  }

  async clear(): Promise<void> {
    await redisCall('clearing the import checkpoint', () => this.#redis.del(this.#key));
  }
}
