import { getHeapStatistics } from 'node:v8';
import type { Logger } from '@mesh-momentum/common';

/** Heap in use and V8's limit for it, bytes. */
export interface HeapReading {
  readonly used: number;
  readonly limit: number;
}

export interface HeapHighWaterOptions {
  /** Stops fetching (kafkajs `consumer.pause` of the events topic); batches already fetched finish. */
  readonly pause: () => void;
  readonly resume: () => void;
  readonly logger: Logger;
  /** @defaultValue V8's heap statistics */
  readonly heap?: () => HeapReading;
  /** @defaultValue Date.now */
  readonly clock?: () => number;
}

/** Fetching pauses once the heap in use reaches this share of its limit… */
export const HIGH_WATER_SHARE = 0.85;
/** …and resumes once it is back under this share (a collection freed the applied batches' records). */
export const LOW_WATER_SHARE = 0.7;
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
 * Pauses the consumer's fetching while the heap is near its limit: the records fetched and not yet
 * applied are most of what grows with load, so not fetching more lets the batches in flight finish and
 * their records be collected, instead of V8 running out of heap.
 */
export class HeapHighWater {
  readonly #options: HeapHighWaterOptions;
  readonly #heap: () => HeapReading;
  readonly #clock: () => number;
  #pausedAtMs: number | undefined;
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
    const now = this.#clock();
    if (this.#pausedAtMs === undefined) {
      if (used < HIGH_WATER_SHARE * limit) return;
      this.#options.pause();
      this.#pausedAtMs = now;
      this.#options.logger.warn(
        { heapUsedMiB: Math.round(used / 2 ** 20), heapLimitMiB: Math.round(limit / 2 ** 20) },
        'heap above its high-water mark: fetching paused',
      );
      return;
    }
    if (used >= LOW_WATER_SHARE * limit && now - this.#pausedAtMs < MAX_PAUSE_MS) return;
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
