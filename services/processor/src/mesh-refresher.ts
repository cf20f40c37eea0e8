import { performance } from 'node:perf_hooks';
import type { Logger } from '@mesh-momentum/common';

/** Delay of the mesh-wide refresh that batches schedule (the tick refreshes anyway), ms. */
const MIN_INTERVAL_MS = 1_000;
/** The mesh refresh after batches waits at least this many times its own last duration. */
const DUTY = 10;

export interface MeshRefresherOptions {
  /** Rewrites the mesh-wide figures as of `asOfMs` (the store of the current namespace). */
  readonly refresh: (asOfMs: number) => Promise<void>;
  readonly clock: () => number;
  readonly logger: Logger;
}

/**
 * Keeps the mesh-wide figures current without crowding out the batches. Mesh figures read every domain,
 * so batches do not refresh them one by one: the first batch schedules one refresh later, which covers
 * every batch until then. The delay is at least MIN_INTERVAL_MS and DUTY times the last refresh's
 * duration (at most 1/DUTY of the time goes to it). Refreshes run one after the other, never at once.
 */
export class MeshRefresher {
  readonly #options: MeshRefresherOptions;
  /** The last refresh in the chain; never rejects, so a failure is never an unhandled rejection. */
  #chain: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastDurationMs = 0;

  constructor(options: MeshRefresherOptions) {
    this.#options = options;
  }

  /** Refreshes after the refresh running now, if any; the returned promise carries the outcome. */
  now(asOfMs: number): Promise<void> {
    const next = (this.#chain ?? Promise.resolve()).then(async () => {
      const started = performance.now();
      await this.#options.refresh(asOfMs);
      this.#lastDurationMs = performance.now() - started;
    });
    // The chain only orders refreshes: it never rejects (the caller handles `next`), or a failed
    // refresh would be an unhandled rejection that ends the process (a Redis crash did exactly that).
    const tracked: Promise<void> = next.then(
      () => this.#settle(tracked),
      () => this.#settle(tracked),
    );
    this.#chain = tracked;
    return next;
  }

  /** Schedules one refresh soon, unless one is scheduled already. */
  schedule(): void {
    if (this.#timer) return;
    const delay = Math.max(MIN_INTERVAL_MS, DUTY * this.#lastDurationMs);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.now(this.#options.clock()).catch((error: unknown) =>
        this.#options.logger.warn({ err: error }, 'mesh refresh after batches failed; the tick retries'),
      );
    }, delay);
    this.#timer.unref();
  }

  /** On stop: a refresh still owed to the last batches runs now, and the running one is awaited. */
  async flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      await this.now(this.#options.clock()).catch((error: unknown) =>
        this.#options.logger.warn({ err: error }, 'final mesh refresh failed'),
      );
    }
    await this.#chain;
  }

  #settle(done: Promise<void>): void {
    if (this.#chain === done) this.#chain = undefined;
  }
}
