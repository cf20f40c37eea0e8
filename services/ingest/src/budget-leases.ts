/** What one budget's lease holds: units taken from Redis and not spent yet, until their window ends. */
interface Lease {
  remaining: number;
  /** When the Redis window the units were counted in ends (the caller's clock), ms. */
  endsAtMs: number;
}

/** Units a lease held, as {@link BudgetLeases.takeAll} hands them out. */
export interface HeldUnits {
  readonly units: number;
  readonly endsAtMs: number;
}

/**
 * Units of rate budgets this gateway instance took from Redis ahead of need (a lease), spent locally
 * without a round trip until they run out or their window ends, when what is left is dropped. Pure
 * bookkeeping on a clock the caller passes (ms); RateBudget decides when to lease. Every unit spent was
 * counted in Redis first, so leasing never admits more than the budget across instances; units leased
 * and not spent by their window's end are lost to the sender (a refusal slightly early), at most one
 * lease per budget and instance.
 */
export class BudgetLeases {
  readonly #leases = new Map<string, Lease>();

  /** Spends `units` of the lease of `key` when it holds that many in a window not ended; true when it did. */
  spend(key: string, units: number, nowMs: number): boolean {
    const lease = this.#leases.get(key);
    if (lease === undefined || nowMs >= lease.endsAtMs || lease.remaining < units) return false;
    lease.remaining -= units;
    return true;
  }

  /** Removes and returns what the lease of `key` holds (nothing once its window ended). */
  takeAll(key: string, nowMs: number): HeldUnits {
    const lease = this.#leases.get(key);
    this.#leases.delete(key);
    if (lease === undefined || nowMs >= lease.endsAtMs) return { units: 0, endsAtMs: nowMs };
    return { units: lease.remaining, endsAtMs: lease.endsAtMs };
  }

  /** Adds `units` counted in the window ending at `endsAtMs` (a later window replaces an ended one). */
  add(key: string, units: number, endsAtMs: number, nowMs: number): void {
    if (units <= 0 || nowMs >= endsAtMs) return;
    const lease = this.#leases.get(key);
    if (lease === undefined || nowMs >= lease.endsAtMs) {
      this.#leases.set(key, { remaining: units, endsAtMs });
      return;
    }
    lease.remaining += units;
    // The earlier end: units of an older window must not outlive it.
    lease.endsAtMs = Math.min(lease.endsAtMs, endsAtMs);
  }
}
