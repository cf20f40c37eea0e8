import { performance } from 'node:perf_hooks';
import { redisCall } from '@mesh-momentum/common';
import type { RedisClient } from '@mesh-momentum/store';
import type { AlerterKeys } from '@mesh-momentum/alerting';
import { withAlerterScripts, type AlerterScripts } from './scripts.ts';

/** Renewals per TTL when the lease renews itself (`startRenewing`): two may fail before it lapses. */
export const RENEWALS_PER_TTL = 3;

export interface NotifierLeaseOptions {
  /**
   * A monotonic clock in ms, for the local "held until" time (never compared with simulated alert
   * time, only with itself). @defaultValue performance.now
   */
  readonly clock?: () => number;
  /**
   * The wall clock in ms, checked as well: a monotonic clock stops while the host is suspended (a paused
   * VM), Redis' TTL elsewhere does not. @defaultValue Date.now
   */
  readonly wallClock?: () => number;
  /** Called when a renewal on the timer fails (Redis unreachable): the lease then lapses locally. */
  readonly onRenewalError?: (error: unknown) => void;
}

/**
 * One notifier at a time: a lease in Redis (`SET NX PX`) and a fencing epoch that grows with each new
 * holder. Every decision and settlement carries the epoch, so an instance that lost the lease (a long
 * pause, a partition) cannot write after the new holder started.
 *
 * Sends to receivers are not writes Redis can fence, so the lease also keeps a local "held until" time:
 * the instant a renewal was *sent* plus the TTL, which is never later than the expiry Redis set (Redis
 * starts the TTL when it receives the call). `startRenewing` renews on a timer every TTL/3, independent
 * of how long a step takes; `holds(epoch, forMs)` answers, without a round trip, whether this instance
 * is sure to hold the lease with that epoch for another `forMs`: the alerter asks before every send.
 */
export class NotifierLease {
  readonly #redis: RedisClient & AlerterScripts;
  readonly #keys: AlerterKeys;
  readonly #instanceId: string;
  readonly #ttlMs: number;
  readonly #clock: () => number;
  readonly #wallClock: () => number;
  readonly #onRenewalError: (error: unknown) => void;
  #epoch: number | undefined;
  /** Local monotonic time until which the lease is surely ours; -Infinity when not held. */
  #heldUntil = Number.NEGATIVE_INFINITY;
  /** The same on the wall clock. */
  #heldUntilWall = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    redis: RedisClient,
    keys: AlerterKeys,
    instanceId: string,
    ttlMs: number,
    options: NotifierLeaseOptions = {},
  ) {
    this.#redis = withAlerterScripts(redis);
    this.#keys = keys;
    this.#instanceId = instanceId;
    this.#ttlMs = ttlMs;
    this.#clock = options.clock ?? (() => performance.now());
    this.#wallClock = options.wallClock ?? Date.now;
    this.#onRenewalError = options.onRenewalError ?? (() => undefined);
  }

  get instanceId(): string {
    return this.#instanceId;
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  /** The epoch held after the last `tick`, undefined when another instance holds the lease. */
  get epoch(): number | undefined {
    return this.#epoch;
  }

  /** Acquires or renews the lease; returns the epoch held, or undefined. */
  async tick(): Promise<number | undefined> {
    // Taken before the call: Redis starts the TTL later than this, never earlier.
    const sentAt = this.#clock();
    const sentAtWall = this.#wallClock();
    const epoch = await redisCall('taking the notifier lease', () =>
      this.#redis.mmAlerterLease(2, this.#keys.lease, this.#keys.epoch, this.#instanceId, this.#ttlMs),
    );
    if (epoch > 0) {
      // Answers come back in the order Redis ran the calls (one connection), so the last answer is the
      // truth; `max` only keeps an overlapping renewal from shortening the time within one epoch.
      if (epoch !== this.#epoch) {
        this.#heldUntil = Number.NEGATIVE_INFINITY;
        this.#heldUntilWall = Number.NEGATIVE_INFINITY;
      }
      this.#epoch = epoch;
      this.#heldUntil = Math.max(this.#heldUntil, sentAt + this.#ttlMs);
      this.#heldUntilWall = Math.max(this.#heldUntilWall, sentAtWall + this.#ttlMs);
    } else {
      this.lost();
    }
    return this.#epoch;
  }

  /**
   * True while this instance surely holds the lease with `epoch` for at least `forMs` more (ms): the
   * last successful renewal, sent at T, holds it until T + TTL. No round trip: checked before each send.
   */
  holds(epoch: number, forMs = 0): boolean {
    return (
      this.#epoch === epoch &&
      this.#clock() + forMs < this.#heldUntil &&
      this.#wallClock() + forMs < this.#heldUntilWall
    );
  }

  /** Renews every TTL/3 on its own timer, so a long step (slow receivers) never outlives the lease. */
  startRenewing(): void {
    if (this.#timer) return;
    let renewing = false;
    this.#timer = setInterval(
      () => {
        if (renewing) return; // one call in flight at a time; a hung Redis shows as a lapse
        renewing = true;
        this.tick()
          .catch((error: unknown) => this.#onRenewalError(error))
          .finally(() => (renewing = false));
      },
      Math.max(1, Math.floor(this.#ttlMs / RENEWALS_PER_TTL)),
    );
    this.#timer.unref();
  }

  stopRenewing(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Forgets the lease locally (after a fenced write): the next tick finds out who holds it. */
  lost(): void {
    this.#epoch = undefined;
    this.#heldUntil = Number.NEGATIVE_INFINITY;
    this.#heldUntilWall = Number.NEGATIVE_INFINITY;
  }

  async release(): Promise<void> {
    this.stopRenewing();
    this.lost();
    await redisCall('releasing the notifier lease', () =>
      this.#redis.mmAlerterRelease(1, this.#keys.lease, this.#instanceId),
    );
  }
}
