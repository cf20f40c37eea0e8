/**
 * One piece of work at a time per domain. A batch and the periodic refresh plan from the same mirror
 * and write the same score hashes: one after the other, never from a mirror the other is about to
 * change.
 */
export class DomainLocks {
  /** Per domain, the work in progress or queued last. */
  readonly #busy = new Map<string, Promise<undefined>>();

  /**
   * Runs `work` once no earlier work on any of `domains` is pending. Waiters only wait on work
   * registered before them, so there is no cycle.
   */
  async run<T>(domains: Iterable<string>, work: () => Promise<T>): Promise<T> {
    let done: () => void = () => undefined;
    const mine = new Promise<undefined>((resolve) => (done = () => resolve(undefined)));
    const owned = [...new Set(domains)];
    const earlier = owned.map((d) => this.#busy.get(d)).filter((p) => p !== undefined);
    for (const d of owned) this.#busy.set(d, mine);
    try {
      await Promise.all(earlier);
      return await work();
    } finally {
      done();
      for (const d of owned) if (this.#busy.get(d) === mine) this.#busy.delete(d);
    }
  }

  /** Whether work on `domain` is running or waiting. */
  isBusy(domain: string): boolean {
    return this.#busy.has(domain);
  }
}
