import { redisFailure, redisFailureKind, type Logger } from '@mesh-momentum/common';
import { SCRIPT_STATUS } from '@mesh-momentum/redis-scripts';
import type { RedisClient } from '@mesh-momentum/service-kit';
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

/**
 * Fixed-window budgets in Redis, shared by every gateway instance: API tokens spend events (a batch of
 * 500 takes 500), so one token cannot fill the producer queue all tokens share; webhooks spend deliveries,
 * counted only after their signature verified, so unsigned junk can never spend a tool's budget, and
 * failed verifications spend a budget of their sender's address. A request that does not fit is refused
 * whole (429 with Retry-After) and takes nothing. Redis down (a transient failure, `redisFailureKind`):
 * nothing is refused for that reason alone; the request fails (or not) on its own merits.
 */
/** Least time between two warnings that budgets are not counted (Redis failing), ms. */
const BUDGET_WARNING_INTERVAL_MS = 10_000;

export class RateBudget {
  readonly #redis: RedisClient & IngestScripts;
  readonly #options: RateBudgetOptions;
  readonly #logger: Logger;
  #lastWarningMs = Number.NEGATIVE_INFINITY;

  constructor(redis: RedisClient, options: RateBudgetOptions, logger: Logger) {
    this.#redis = withIngestScripts(redis);
    this.#options = options;
    this.#logger = logger;
  }

  /** Units one bucket may take per window. */
  get max(): number {
    return this.#options.max;
  }

  /** Takes `amount` units (at least 1) from the bucket; throws MM_ERR_INGEST_RATE_LIMITED when they do not fit. */
  async take(bucket: BudgetBucket, amount: number): Promise<void> {
    const { max, windowMs, key } = this.#options;
    const units = Math.max(1, amount);
    let reply: [number, number, number];
    try {
      reply = await this.#redis.mmIngestTakeBudget(key(bucket.kind, bucketId(bucket)), units, max, windowMs);
    } catch (error) {
      // A refusal retrying cannot change (the budget key of another type, a script error) is a fault to
      // see, not an outage: it fails the request (MM_ERR_STORE_REPLY).
      if (redisFailureKind(error) === 'permanent') throw redisFailure(error, 'taking a rate budget');
      // An outage fails open (it must not refuse requests for it), but visibly: a warning at most once
      // per BUDGET_WARNING_INTERVAL_MS, so an outage under load does not flood the log.
      const now = Date.now();
      if (now - this.#lastWarningMs >= BUDGET_WARNING_INTERVAL_MS) {
        this.#lastWarningMs = now;
        this.#logger.warn({ err: error, bucket: bucket.kind }, 'rate budgets not counted: Redis failed');
      }
      return;
    }
    const [taken, used, ttlMs] = reply;
    if (taken === SCRIPT_STATUS.OK) return;
    const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
    throw new IngestError(
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
