import type { RedisClient } from '@mesh-momentum/store';
import type { AlerterKeys } from './keys.ts';
import { withAlerterScripts, type AlerterScripts } from './scripts.ts';

/**
 * One notifier at a time: a lease in Redis (`SET NX PX`) renewed at every tick, and a fencing epoch
 * that grows with each new holder. Every decision and settlement carries the epoch, so an instance
 * that lost the lease (a long pause, a partition) cannot write after the new holder started. The
 * other instance takes over at its first tick after the TTL lapses: within TTL + one tick.
 */
export class NotifierLease {
  readonly #redis: RedisClient & AlerterScripts;
  readonly #keys: AlerterKeys;
  readonly #instanceId: string;
  readonly #ttlMs: number;
  #epoch: number | undefined;

  constructor(redis: RedisClient, keys: AlerterKeys, instanceId: string, ttlMs: number) {
    this.#redis = withAlerterScripts(redis);
    this.#keys = keys;
    this.#instanceId = instanceId;
    this.#ttlMs = ttlMs;
  }

  get instanceId(): string {
    return this.#instanceId;
  }

  /** The epoch held after the last `tick`, undefined when another instance holds the lease. */
  get epoch(): number | undefined {
    return this.#epoch;
  }

  /** Acquires or renews the lease; returns the epoch held, or undefined. */
  async tick(): Promise<number | undefined> {
    const epoch = await this.#redis.mmAlerterLease(
      2,
      this.#keys.lease,
      this.#keys.epoch,
      this.#instanceId,
      this.#ttlMs,
    );
    this.#epoch = epoch > 0 ? epoch : undefined;
    return this.#epoch;
  }

  /** Forgets the lease locally (after a fenced write): the next tick finds out who holds it. */
  lost(): void {
    this.#epoch = undefined;
  }

  async release(): Promise<void> {
    this.#epoch = undefined;
    await this.#redis.mmAlerterRelease(1, this.#keys.lease, this.#instanceId);
  }
}
