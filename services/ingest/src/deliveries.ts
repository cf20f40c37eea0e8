import type { RedisClient } from '@mesh-momentum/service-kit';
import { storeCall } from './store-call.ts';

/** What the gateway knows of a delivery id. */
export type DeliveryClaim = 'claimed' | 'done' | 'pending';

/**
 * Webhook replays, de-duplicated by delivery id in Redis. A delivery is claimed (`pending`, expiring after
 * `pendingTtlMs` so a crashed gateway frees it) before its events go to Kafka, marked `done` (for
 * `doneTtlSeconds`) once Kafka acknowledged them, and released when Kafka did not, so the tool's retry is
 * processed. Redis only saves work: event ids derive from the delivery id, so even a replay Redis forgot
 * counts once downstream.
 */
export class DeliveryLedger {
  readonly #redis: RedisClient;
  readonly #pendingTtlMs: number;
  readonly #doneTtlSeconds: number;

  constructor(
    redis: RedisClient,
    options: { readonly pendingTtlMs: number; readonly doneTtlSeconds: number },
  ) {
    this.#redis = redis;
    this.#pendingTtlMs = options.pendingTtlMs;
    this.#doneTtlSeconds = options.doneTtlSeconds;
  }

  claim(key: string): Promise<DeliveryClaim> {
    return storeCall('claim a delivery id', async () => {
      const set = await this.#redis.set(key, 'pending', 'PX', this.#pendingTtlMs, 'NX');
      if (set === 'OK') return 'claimed';
      // Deleted between the two commands: the other copy failed; calling it pending makes the sender retry.
      return (await this.#redis.get(key)) === 'done' ? 'done' : 'pending';
    });
  }

  complete(key: string): Promise<void> {
    return storeCall('mark a delivery done', async () => {
      await this.#redis.set(key, 'done', 'EX', this.#doneTtlSeconds);
    });
  }

  release(key: string): Promise<void> {
    return storeCall('release a delivery id', async () => {
      await this.#redis.del(key);
    });
  }
}
