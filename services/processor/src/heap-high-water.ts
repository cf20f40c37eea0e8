import { getHeapStatistics } from 'node:v8';
import type { Logger } from '@mesh-momentum/common';

/** Heap in use and V8's limit for it, bytes. */
export interface HeapReading {
  readonly used: number;
  readonly limit: number;
}

/** The resident set to keep within, and how to read it, bytes. */
export interface ResidentBudget {
  /** The memory budget (MM_PROCESSOR_MEMORY_MB), bytes. */
  readonly bytes: number;
  /** @defaultValue process.memoryUsage.rss */
  readonly rss?: () => number;
}

export interface HeapHighWaterOptions {
  /** Stops fetching (kafkajs `consumer.pause` of the events topic); batches already fetched finish. */
  readonly pause: () => void;
  readonly resume: () => void;
  readonly logger: Logger;
  /** @defaultValue V8's heap statistics */
  readonly heap?: () => HeapReading;
  /** When set, fetching also pauses while the resident set is near this budget. */
  readonly resident?: ResidentBudget;
  /** @defaultValue Date.now */
  readonly clock?: () => number;
}

/** Fetching pauses once the heap in use reaches this share of its limit… */
export const HIGH_WATER_SHARE = 0.85;
/** …and resumes once it is back under this share (a collection freed the applied batches' records). */
export const LOW_WATER_SHARE = 0.7;
/**
 * The resident set's marks, as shares of the memory budget: most of it is the heap's own pages, the
 * mirrors and code, which pausing does not free, so it pauses later and resumes sooner than the heap.
 */
export const RSS_HIGH_WATER_SHARE = 0.9;
export const RSS_LOW_WATER_SHARE = 0.85;
/**
 * …or after this long paused, ms: with nothing fetched, little is allocated and V8 may not collect, so
 * the heap can read high long after the records are garbage. Resuming costs one more fetch at most.
 */
export const MAX_PAUSE_MS = 1_000;
/** How often the heap is read, ms. */
const CHECK_INTERVAL_MS = 100;

function v8Heap(): HeapReading {
  const { used_heap_size: used, heap_size_limit: limit } = getHeapStatistics();
  return { used, limit };
}

/**
 * Pauses the consumer's fetching while the heap is near its limit, or the resident set near the memory
 * budget: the records fetched and not yet applied are most of what grows with load, so not fetching
 * more lets the batches in flight finish and their records and fetch buffers be freed, instead of V8
 * running out of heap or the process out of its budget.
 */
export class HeapHighWater {
  readonly #options: HeapHighWaterOptions;
  readonly #heap: () => HeapReading;
  readonly #clock: () => number;
  #pausedAtMs: number | undefined;
  /**
   * Whether the resident set may pause fetching. A pause that ran out with the resident set still above
   * its low mark shows fetching is not what holds it (a larger heap from NODE_OPTIONS, bigger mirrors):
   * pausing on it again would only throttle fetching to a tenth, so it waits until the set falls under
   * the low mark once.
   */
  #residentArmed = true;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: HeapHighWaterOptions) {
    this.#options = options;
    this.#heap = options.heap ?? v8Heap;
    this.#clock = options.clock ?? Date.now;
  }

  get paused(): boolean {
    return this.#pausedAtMs !== undefined;
  }

  /** Reads the heap and pauses or resumes fetching accordingly. */
  check(): void {
    const { used, limit } = this.#heap();
    const { resident } = this.#options;
    const rss = resident ? (resident.rss ?? process.memoryUsage.rss)() : 0;
    const budget = resident?.bytes ?? Number.POSITIVE_INFINITY;
    const now = this.#clock();
    const residentLow = rss < RSS_LOW_WATER_SHARE * budget;
    if (residentLow) this.#residentArmed = true;
    if (this.#pausedAtMs === undefined) {
      const residentHigh = this.#residentArmed && rss >= RSS_HIGH_WATER_SHARE * budget;
      if (used < HIGH_WATER_SHARE * limit && !residentHigh) return;
      this.#options.pause();
      this.#pausedAtMs = now;
      this.#options.logger.warn(
        {
          heapUsedMiB: Math.round(used / 2 ** 20),
          heapLimitMiB: Math.round(limit / 2 ** 20),
          ...(resident && { rssMiB: Math.round(rss / 2 ** 20), budgetMiB: Math.round(budget / 2 ** 20) }),
        },
        'memory above its high-water mark: fetching paused',
      );
      return;
    }
    const high = used >= LOW_WATER_SHARE * limit || !residentLow;
    if (high && now - this.#pausedAtMs < MAX_PAUSE_MS) return;
    if (!residentLow && this.#residentArmed) {
      this.#residentArmed = false;
      this.#options.logger.warn(
        { rssMiB: Math.round(rss / 2 ** 20), budgetMiB: Math.round(budget / 2 ** 20) },
        'resident set stays near the memory budget with fetching paused: no longer pausing on it until it falls back',
      );
    }
    this.#resume();
  }

  start(): void {
    this.#timer ??= setInterval(() => {
      try {
        this.check();
      } catch (error) {
        // The consumer is between runs (restarting after a crash): the next reading tries again.
        this.#options.logger.warn({ err: error }, 'pausing or resuming fetching failed');
      }
    }, CHECK_INTERVAL_MS);
    this.#timer.unref();
  }

  /** Stops watching, resuming fetching if it is paused. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.paused) this.#resume();
  }

  #resume(): void {
    this.#options.resume();
    this.#pausedAtMs = undefined;
  }
}
