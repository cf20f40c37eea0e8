import type { ScopeMirror } from './domain-batch-plan.ts';

/** A domain's scope states as this instance last wrote them, and the partition its events come from. */
export interface DomainMirror {
  /**
   * Scope states as they are in Redis, by scope id: what this instance wrote last. Planning a batch
   * merges it in place, so a mirror whose batch is not confirmed applied is dropped and read again.
   */
  readonly scopes: Map<string, ScopeMirror>;
  /** The partition the domain's events come from, for fencing the periodic refresh. */
  topic: string;
  partition: number;
  /** The domain's version in Redis that the mirror reflects (see the apply script). */
  version: number;
  /**
   * The domain's `seq` (apply-script calls applied, with events or refresh only) the mirror's written
   * scores reflect: score writes send only the fields that differ from those (see the apply script).
   */
  seq: number;
}

export interface MirrorStats {
  readonly domains: number;
  readonly scopes: number;
  /** Day buckets across the scopes' momentum, value and count series. */
  readonly dayBuckets: number;
  readonly standingEntries: number;
}

/**
 * Heap per mirrored day bucket, bytes, measured by bench:processor after a full GC (80 MB for 494k
 * buckets of 7.7k scopes, standing entries included): converts MM_PROCESSOR_MIRROR_MB into buckets.
 */
export const HEAP_BYTES_PER_DAY_BUCKET = 160;

/**
 * The score values a scope's mirror keeps as last written (`ScopeMirror.written`, 21 strings), in day
 * buckets of heap: ~830 B measured for typical values, about five buckets.
 */
const WRITTEN_SCORES_IN_BUCKETS = 5;

function bucketsOf(mirror: DomainMirror): number {
  let n = 0;
  for (const { state } of mirror.scopes.values()) {
    n += state.anchoredByDay.momentum.size + state.anchoredByDay.value.size + state.countsByDay.size;
  }
  return n;
}

/** What a mirror counts against the budget, in day buckets of heap: its buckets and its written scores. */
function budgetUnitsOf(mirror: DomainMirror): number {
  let written = 0;
  for (const scope of mirror.scopes.values()) if (scope.written !== undefined) written += 1;
  return bucketsOf(mirror) + written * WRITTEN_SCORES_IN_BUCKETS;
}

/**
 * The mirrors of the domains this instance writes, least recently used first, within a budget of day
 * buckets: what the processor's heap grows with (scopes × days with events). Past the budget the least
 * recently used mirrors are dropped; a dropped domain stays owned (the periodic refresh still covers it)
 * and is read from Redis again when next needed: a read of the whole domain (aggregates, standing,
 * movers bounds) for each batch or tick that needs it. A budget below the working set trades memory for
 * those reads; it never changes a score.
 */
export class MirrorCache {
  /** Insertion order is use order: a used mirror is re-inserted at the end. */
  readonly #mirrors = new Map<string, DomainMirror>();
  /** Day buckets per mirrored domain, counted when it was loaded or last written. */
  readonly #buckets = new Map<string, number>();
  /** Every domain this instance writes, mirrored or not, with the partition its events come from. */
  readonly #owned = new Map<string, { topic: string; partition: number }>();
  #total = 0;
  readonly #maxDayBuckets: number;

  /** @param maxDayBuckets the budget; @defaultValue Infinity (no eviction) */
  constructor(maxDayBuckets = Number.POSITIVE_INFINITY) {
    this.#maxDayBuckets = maxDayBuckets;
  }

  get(domain: string): DomainMirror | undefined {
    return this.#mirrors.get(domain);
  }

  has(domain: string): boolean {
    return this.#mirrors.has(domain);
  }

  /** Stores a freshly read mirror as the most recently used, and marks its domain owned. */
  set(domain: string, mirror: DomainMirror): void {
    this.delete(domain);
    this.#mirrors.set(domain, mirror);
    this.#owned.set(domain, { topic: mirror.topic, partition: mirror.partition });
    this.recount(domain);
  }

  /** Marks a mirror used now (for the eviction order) and records its current partition. */
  touch(domain: string, topic: string, partition: number): void {
    const mirror = this.#mirrors.get(domain);
    if (!mirror) return;
    mirror.topic = topic;
    mirror.partition = partition;
    this.#mirrors.delete(domain);
    this.#mirrors.set(domain, mirror);
    this.#owned.set(domain, { topic, partition });
  }

  /** Counts a mirror's buckets again after a write merged events into it. */
  recount(domain: string): void {
    const mirror = this.#mirrors.get(domain);
    this.#total -= this.#buckets.get(domain) ?? 0;
    if (!mirror) {
      this.#buckets.delete(domain);
      return;
    }
    const n = budgetUnitsOf(mirror);
    this.#buckets.set(domain, n);
    this.#total += n;
  }

  /** Drops a mirror that may not be what Redis holds; the domain stays owned (read again when needed). */
  delete(domain: string): void {
    this.#total -= this.#buckets.get(domain) ?? 0;
    this.#buckets.delete(domain);
    this.#mirrors.delete(domain);
  }

  /** Another instance writes the domain now: neither mirrored nor refreshed here any more. */
  disown(domain: string): void {
    this.delete(domain);
    this.#owned.delete(domain);
  }

  /** True while the mirrors hold more day buckets than the budget. */
  overBudget(): boolean {
    return this.#total > this.#maxDayBuckets;
  }

  /** Drops every mirror, keeping the domains owned (each is read again when next needed). */
  dropMirrors(): void {
    this.#mirrors.clear();
    this.#buckets.clear();
    this.#total = 0;
  }

  clear(): void {
    this.#mirrors.clear();
    this.#buckets.clear();
    this.#owned.clear();
    this.#total = 0;
  }

  /** Domains this instance writes, mirrored or not, with their partition. */
  owned(): [string, { topic: string; partition: number }][] {
    return [...this.#owned];
  }

  /**
   * Drops least recently used mirrors until the buckets fit the budget, never one of `keep` (in use
   * by a batch or refresh now) nor the most recent. Returns the domains dropped.
   */
  evictOverBudget(keep: (domain: string) => boolean): string[] {
    const dropped: string[] = [];
    const candidates = [...this.#mirrors.keys()].slice(0, -1);
    for (const domain of candidates) {
      if (this.#total <= this.#maxDayBuckets) break;
      if (keep(domain)) continue;
      this.delete(domain);
      dropped.push(domain);
    }
    return dropped;
  }

  stats(): MirrorStats {
    let scopes = 0;
    let standingEntries = 0;
    let dayBuckets = 0;
    for (const mirror of this.#mirrors.values()) {
      scopes += mirror.scopes.size;
      dayBuckets += bucketsOf(mirror);
      for (const { state } of mirror.scopes.values()) standingEntries += state.standing.size;
    }
    return { domains: this.#mirrors.size, scopes, dayBuckets, standingEntries };
  }
}
