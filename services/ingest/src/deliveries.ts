import { randomUUID } from 'node:crypto';
import { redisCall } from '@mesh-momentum/common';
import { SCRIPT_STATUS } from '@mesh-momentum/redis-scripts';
import type { RedisClient } from '@mesh-momentum/service-kit';
import { withIngestScripts, type IngestScripts } from './scripts.ts';

/** What the gateway knows of a delivery: this request holds it now (with its claim), or not. */
export type DeliveryClaim =
  | { readonly state: 'claimed'; readonly claim: string }
  | { readonly state: 'done' }
  | { readonly state: 'pending' };

/** The value of a delivery acknowledged by Kafka. */
const DONE = 'done';

/**
 * Webhook replays, de-duplicated in Redis. A delivery is claimed (the key holds this request's own claim
 * token, expiring after `pendingTtlMs` so a crashed gateway frees it) before its events go to Kafka,
 * marked `done` (for `doneTtlSeconds`) once Kafka acknowledged them, and released when Kafka did not, so
 * the tool's retry is processed. Releasing deletes the key only while it still holds this request's claim:
 * after a claim expired, another request may have taken the key and completed it, and its `done` stays.
 * Redis only saves work: event ids derive from the signed content, so even a replay Redis forgot counts
 * once downstream (within the processor's de-duplication window, docs/security.md).
 */
export class DeliveryLedger {
  readonly #redis: RedisClient & IngestScripts;
  readonly #pendingTtlMs: number;
  readonly #doneTtlSeconds: number;

  constructor(
    redis: RedisClient,
    options: { readonly pendingTtlMs: number; readonly doneTtlSeconds: number },
  ) {
    this.#redis = withIngestScripts(redis);
    this.#pendingTtlMs = options.pendingTtlMs;
    this.#doneTtlSeconds = options.doneTtlSeconds;
  }

  claim(key: string): Promise<DeliveryClaim> {
    return redisCall('claiming a delivery id', async () => {
      const claim = `pending:${randomUUID()}`;
      const set = await this.#redis.set(key, claim, 'PX', this.#pendingTtlMs, 'NX');
      if (set === 'OK') return { state: 'claimed', claim };
      // Deleted between the two commands: the other copy failed; calling it pending makes the sender retry.
      return (await this.#redis.get(key)) === DONE ? { state: 'done' } : { state: 'pending' };
    });
  }

  complete(key: string): Promise<void> {
    return redisCall('marking a delivery done', async () => {
      await this.#redis.set(key, DONE, 'EX', this.#doneTtlSeconds);
    });
  }

  /** Frees the key if it still holds `claim`; true when it did. */
  release(key: string, claim: string): Promise<boolean> {
    return redisCall('releasing a delivery id', async () => {
      return (await this.#redis.mmIngestReleaseDelivery(key, claim)) === SCRIPT_STATUS.OK;
    });
  }
}
