import { redisCall } from '@mesh-momentum/common';
import { keys, PROGRESS_FIELDS, type KeySpace, type RedisClient } from '@mesh-momentum/store';

/**
 * A partition's fencing epoch and the offset it is applied up to, in the namespace's progress keys
 * (docs/redis-contract.md). The epoch fences a batch; the progress tells a rebuild or a restart where
 * to resume.
 */
export class PartitionProgress {
  readonly #redis: RedisClient;
  readonly #keySpace: KeySpace;

  constructor(redis: RedisClient, keySpace: KeySpace) {
    this.#redis = redis;
    this.#keySpace = keySpace;
  }

  /** A new fencing epoch for a partition, taken when this instance is assigned it. */
  takeEpoch(topic: string, partition: number): Promise<number> {
    return redisCall('taking an epoch failed', () =>
      this.#redis.incr(keys.partitionEpoch(this.#keySpace, topic, partition)),
    );
  }

  /** Records that everything before `nextOffset` of the partition is applied (or dead-lettered). */
  async record(topic: string, partition: number, nextOffset: string): Promise<void> {
    await redisCall('recording progress failed', () =>
      this.#redis.hset(
        keys.partitionProgress(this.#keySpace),
        PROGRESS_FIELDS.partition(topic, partition),
        nextOffset,
      ),
    );
  }

  /** The next offset to process for a partition in this namespace, or undefined if none was recorded. */
  async read(topic: string, partition: number): Promise<string | undefined> {
    const offset = await redisCall('reading progress failed', () =>
      this.#redis.hget(keys.partitionProgress(this.#keySpace), PROGRESS_FIELDS.partition(topic, partition)),
    );
    return offset ?? undefined;
  }
}
