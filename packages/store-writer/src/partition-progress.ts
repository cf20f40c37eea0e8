import { StoreUnavailableError } from '@mesh-momentum/common';
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
    return retriable('taking an epoch', () =>
      this.#redis.incr(keys.partitionEpoch(this.#keySpace, topic, partition)),
    );
  }

  /** Records that everything before `nextOffset` of the partition is applied (or dead-lettered). */
  async record(topic: string, partition: number, nextOffset: string): Promise<void> {
    await retriable('recording progress', () =>
      this.#redis.hset(
        keys.partitionProgress(this.#keySpace),
        PROGRESS_FIELDS.partition(topic, partition),
        nextOffset,
      ),
    );
  }

  /** The next offset to process for a partition in this namespace, or undefined if none was recorded. */
  async read(topic: string, partition: number): Promise<string | undefined> {
    const offset = await retriable('reading progress', () =>
      this.#redis.hget(keys.partitionProgress(this.#keySpace), PROGRESS_FIELDS.partition(topic, partition)),
    );
    return offset ?? undefined;
  }
}

/** Runs one Redis command, its failure as a retriable StoreUnavailableError saying what failed. */
async function retriable<T>(what: string, command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (error) {
    throw new StoreUnavailableError(`${what} failed: ${(error as Error).message}`, { cause: error });
  }
}
