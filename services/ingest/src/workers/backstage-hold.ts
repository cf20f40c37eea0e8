import { redisCall } from '@mesh-momentum/common';
import type { MassRetirement } from '@mesh-momentum/adapters';
import type { RedisClient } from '@mesh-momentum/service-kit';
import type { IngestKeys } from '../keys.ts';

/** A Backstage round held back because it would retire too many products at once. */
export interface RetirementHold {
  readonly source: string;
  /** When a round was first held, RFC 3339. */
  readonly since: string;
  /** When the latest held round ran, RFC 3339. */
  readonly lastSeen: string;
  /** Products live in the last saved snapshot. */
  readonly knownProducts: number;
  /** Refs of the products the held round would retire. */
  readonly retiring: readonly string[];
  /** `retiring.length / knownProducts`. */
  readonly share: number;
  /** The configured bound it exceeds (`pollers.backstage.maxRetireShare`). */
  readonly maxShare: number;
  /** Set by an operator (POST /v1/admin/backstage/retirements/confirm), RFC 3339. */
  readonly confirmedAt?: string;
}

/**
 * The Backstage poller's held rounds, one per Backstage source, in Redis (so an operator can see and
 * confirm it through any gateway instance). A confirmation lets the next round retire the products it
 * names (or fewer); a round that would retire others is held again and needs a new confirmation.
 */
export class RetirementHolds {
  readonly #redis: RedisClient;
  readonly #keys: IngestKeys;

  constructor(redis: RedisClient, keys: IngestKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  /** Whether a round retiring `mass` may go ahead: an operator confirmed a hold covering it. */
  static allows(hold: RetirementHold | undefined, mass: MassRetirement): boolean {
    if (hold?.confirmedAt === undefined) return false;
    const confirmed = new Set(hold.retiring);
    return mass.retiring.every((ref) => confirmed.has(ref));
  }

  async get(source: string): Promise<RetirementHold | undefined> {
    const raw = await redisCall('reading the Backstage hold', () =>
      this.#redis.get(this.#keys.backstageHold(source)),
    );
    return raw === null ? undefined : (JSON.parse(raw) as RetirementHold);
  }

  /**
   * Records (or refreshes) the hold of a round. A confirmation stays when it covers the round (an
   * operator confirmed while this round was being judged); one of fewer products no longer applies.
   */
  async hold(source: string, mass: MassRetirement, maxShare: number, nowMs: number): Promise<RetirementHold> {
    const previous = await this.get(source);
    const now = new Date(nowMs).toISOString();
    const hold: RetirementHold = {
      source,
      since: previous?.since ?? now,
      lastSeen: now,
      knownProducts: mass.known,
      retiring: mass.retiring,
      share: mass.share,
      maxShare,
      ...(previous?.confirmedAt !== undefined && RetirementHolds.allows(previous, mass)
        ? { confirmedAt: previous.confirmedAt }
        : {}),
    };
    await this.#write(hold);
    return hold;
  }

  /** Confirms the hold: the next round may retire what it names. `undefined` when nothing is held. */
  async confirm(source: string, nowMs: number): Promise<RetirementHold | undefined> {
    const hold = await this.get(source);
    if (hold === undefined) return undefined;
    const confirmed = { ...hold, confirmedAt: new Date(nowMs).toISOString() };
    await this.#write(confirmed);
    return confirmed;
  }

  /** A round went ahead (the catalog recovered, or the retirements were confirmed and sent). */
  async clear(source: string): Promise<void> {
    await redisCall('clearing the Backstage hold', () => this.#redis.del(this.#keys.backstageHold(source)));
  }

  async #write(hold: RetirementHold): Promise<void> {
    await redisCall('saving the Backstage hold', () =>
      this.#redis.set(this.#keys.backstageHold(hold.source), JSON.stringify(hold)),
    );
  }
}
