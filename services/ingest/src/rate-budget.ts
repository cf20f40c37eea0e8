import { redisFailure, StoreUnavailableError, type Logger } from '@mesh-momentum/common';
import { SCRIPT_STATUS } from '@mesh-momentum/redis-scripts';
import type { RedisClient } from '@mesh-momentum/service-kit';
import { BudgetLeases, type HeldUnits } from './budget-leases.ts';
import { IngestError, IngestErrorCodes } from './errors.ts';
import type { IngestKeys } from './keys.ts';
import { withIngestScripts, type IngestScripts } from './scripts.ts';

/** Who spends a budget: one bucket each, so no sender can spend another's. */
export type BudgetBucket =
  /** An API token: the events of its requests (one per request that carries none, e.g. admin reads). */
  | { readonly kind: 'token'; readonly id: string }
  /** A webhook, once its signature verified: one per delivery (its label: `github`, `generic:<name>`). */
  | { readonly kind: 'webhook'; readonly label: string }
  /** A client address whose webhook deliveries failed verification: one per failure. */
  | { readonly kind: 'unverified'; readonly ip: string };

export interface RateBudgetOptions {
  /** Units one bucket may take per window (MM_INGEST_RATE_LIMIT_MAX). */
  readonly max: number;
  /** MM_INGEST_RATE_LIMIT_WINDOW_MS, ms. */
  readonly windowMs: number;
  /** The budget keys' builder (`ingestKeys(prefix).rateBudget`). */
  readonly key: IngestKeys['rateBudget'];
}

/**
 * A token's budget is leased from Redis in parts of this share of `max` (rounded down), so one script call
 * serves many requests; below 2 units per part (max < 200) every request asks Redis, as without leases.
 */
const LEASE_SHARE = 0.01;

/** The id a bucket's key names: a token's id, a webhook's label, an address. */
function bucketId(bucket: BudgetBucket): string {
  switch (bucket.kind) {
    case 'token':
      return bucket.id;
    case 'webhook':
      return bucket.label;
    case 'unverified':
      return bucket.ip;
  }
}

/** Least time between two warnings that budgets are not counted (Redis failing), ms. */
const BUDGET_WARNING_INTERVAL_MS = 10_000;

/**
 * Fixed-window budgets in Redis, shared by every gateway instance: API tokens spend events (a batch of
 * 500 takes 500), so one token cannot fill the producer queue all tokens share; webhooks spend deliveries,
 * counted only after their signature verified, so unsigned junk can never spend a tool's budget, and
 * failed verifications spend a budget of their sender's address. A request that does not fit is refused
 * whole (429 with Retry-After) and takes nothing. Redis down (a transient failure, `redisFailureKind`):
 * nothing is refused for that reason alone; the request fails (or not) on its own merits.
 *
 * A token takes its units from Redis a lease at a time (LEASE_SHARE of `max`) and spends the lease
 * locally (budget-leases.ts), one refill in flight per token; when a lease no longer fits the window, a
 * request asks Redis for exactly what it lacks, so one instance admits exactly `max` per window. A
 * request larger than a lease asks Redis for its own units directly (it may be refused up to one unspent
 * lease early). Across
 * instances nothing is ever admitted beyond the budget; each may hold up to one lease unspent when the
 * window ends, which its token loses (refused that much early).
 */
export class RateBudget {
  readonly #redis: RedisClient & IngestScripts;
  readonly #options: RateBudgetOptions;
  readonly #logger: Logger;
  readonly #leaseUnits: number;
  readonly #leases = new BudgetLeases();
  /**
   * Per budget key, the refill in flight (never rejects; false when Redis failed and nothing was counted):
   * requests short of units wait for it.
   */
  readonly #refills = new Map<string, Promise<boolean>>();
  #lastWarningMs = Number.NEGATIVE_INFINITY;

  constructor(redis: RedisClient, options: RateBudgetOptions, logger: Logger) {
    this.#redis = withIngestScripts(redis);
    this.#options = options;
    this.#logger = logger;
    this.#leaseUnits = Math.floor(options.max * LEASE_SHARE);
  }

  /** Units one bucket may take per window. */
  get max(): number {
    return this.#options.max;
  }

  /** Takes `amount` units (at least 1) from the bucket; throws MM_ERR_INGEST_RATE_LIMITED when they do not fit. */
  async take(bucket: BudgetBucket, amount: number): Promise<void> {
    const units = Math.max(1, amount);
    const key = this.#options.key(bucket.kind, bucketId(bucket));
    // A request larger than a lease (a batch) asks Redis for its own units, side by side with the others:
    // a lease could not cover it, and waiting in the lease line would put every batch of a token in a row.
    if (bucket.kind !== 'token' || this.#leaseUnits < 2 || units > this.#leaseUnits) {
      const reply = await this.#ask(bucket, key, units);
      if (reply !== undefined && reply[0] !== SCRIPT_STATUS.OK) throw this.#refusal(bucket, reply, units);
      return;
    }
    if (this.#leases.spend(key, units, this.#now())) return;
    // One refill in flight per budget: the requests it leaves short start the next one.
    for (let pending = this.#refills.get(key); pending !== undefined; pending = this.#refills.get(key)) {
      // Redis failed the refill (an outage): the budget fails open for the requests that waited on it
      // too, rather than each of them waiting out a Redis timeout of its own, one after another.
      if (!(await pending)) return;
      if (this.#leases.spend(key, units, this.#now())) return;
    }
    const refill = this.#refill(bucket, key, units);
    // Refused or failed for good: the waiters go on to refills of their own (which answer them).
    const settled = refill.then(
      (counted) => counted,
      () => true,
    );
    this.#refills.set(key, settled);
    try {
      await refill;
    } finally {
      if (this.#refills.get(key) === settled) this.#refills.delete(key);
    }
  }

  /**
   * Takes what the lease of `key` lacks for `units` from Redis, with a new lease on top when it fits the
   * window, else exactly what it lacks; the units the lease held go back to it when nothing fits.
   * Answers false when Redis failed for a time and nothing was counted (the request fails open).
   */
  async #refill(bucket: BudgetBucket, key: string, units: number): Promise<boolean> {
    const startedMs = this.#now();
    const held = this.#leases.takeAll(key, startedMs);
    const lacking = units - held.units;
    let asked = lacking + this.#leaseUnits;
    let reply: [number, number, number] | undefined;
    try {
      reply = await this.#ask(bucket, key, asked);
      // Refused with a lease, but what it lacks alone may still fit (the reply says how much is taken).
      if (reply !== undefined && reply[0] !== SCRIPT_STATUS.OK && reply[1] + lacking <= this.#options.max) {
        asked = lacking;
        reply = await this.#ask(bucket, key, asked);
      }
    } catch (error) {
      this.#giveBack(key, held);
      throw error;
    }
    // Unless the request took them (the script counted what it lacked), the lease's units go back.
    if (reply === undefined || reply[0] !== SCRIPT_STATUS.OK) this.#giveBack(key, held);
    if (reply === undefined) return false;
    if (reply[0] !== SCRIPT_STATUS.OK) throw this.#refusal(bucket, reply, units);
    // The window ends `ttlMs` after Redis ran the script, which was after `startedMs`: never later locally.
    this.#leases.add(key, asked - lacking, startedMs + reply[2], this.#now());
    return true;
  }

  /** Lease windows are kept on the monotonic clock (ms), so a wall-clock step cannot stretch one. */
  #now(): number {
    return performance.now();
  }

  #giveBack(key: string, held: HeldUnits): void {
    this.#leases.add(key, held.units, held.endsAtMs, this.#now());
  }

  /** The script's reply; undefined when Redis failed for a time (budgets fail open). */
  async #ask(
    bucket: BudgetBucket,
    key: string,
    units: number,
  ): Promise<[number, number, number] | undefined> {
    const { max, windowMs } = this.#options;
    try {
      return await this.#redis.mmIngestTakeBudget(key, units, max, windowMs);
    } catch (error) {
      // A refusal retrying cannot change (the budget key of another type, a script error) is a fault to
      // see, not an outage: it fails the request (MM_ERR_STORE_REPLY); so does an error of our own code.
      const failure = redisFailure(error, 'taking a rate budget');
      if (!(failure instanceof StoreUnavailableError)) throw failure;
      // An outage fails open (it must not refuse requests for it), but visibly: a warning at most once
      // per BUDGET_WARNING_INTERVAL_MS, so an outage under load does not flood the log.
      const now = Date.now();
      if (now - this.#lastWarningMs >= BUDGET_WARNING_INTERVAL_MS) {
        this.#lastWarningMs = now;
        this.#logger.warn({ err: error, bucket: bucket.kind }, 'rate budgets not counted: Redis failed');
      }
      return undefined;
    }
  }

  #refusal(bucket: BudgetBucket, reply: [number, number, number], units: number): IngestError {
    const { max, windowMs } = this.#options;
    const [, used, ttlMs] = reply;
    const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
    return new IngestError(
      IngestErrorCodes.RATE_LIMITED,
      `over the budget of ${max} ${unitName(bucket)} per ${windowMs} ms (MM_INGEST_RATE_LIMIT_MAX): ` +
        `${used} taken in this window, ${units} more asked; retry in ${seconds} s`,
      { retryAfterSeconds: seconds },
    );
  }
}

function unitName(bucket: BudgetBucket): string {
  switch (bucket.kind) {
    case 'token':
      return 'events';
    case 'webhook':
      return 'deliveries';
    case 'unverified':
      return 'failed webhook verifications';
  }
}
