/**
 * The producer's bounded in-memory queue, without any I/O. Capacity counts every event that was accepted
 * and not yet settled (queued *and* in flight), so memory stays bounded even while Kafka is slow: a slot
 * is only freed when the event's delivery promise settles. Callers that find the queue full either wait
 * for a slot (FIFO, `waitForSpace`) or are refused; which one is the producer's policy, not the queue's.
 */

export interface QueuedItem {
  /** Encoded size in bytes (key + value + headers, roughly), for byte-bounded batches. */
  readonly sizeBytes: number;
}

interface SpaceWaiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class DeliveryQueue<T extends QueuedItem> {
  readonly capacity: number;
  readonly #items: T[] = [];
  /** Index of the first item not yet taken; the array is compacted lazily, not shifted per item. */
  #head = 0;
  #queuedBytes = 0;
  /** Accepted and not yet released: queued plus in flight. */
  #outstanding = 0;
  readonly #waiters: SpaceWaiter[] = [];
  #waiterHead = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`queue capacity must be a positive integer (got ${capacity})`);
    }
    this.capacity = capacity;
  }

  /** Events waiting to be taken into a batch. */
  get queued(): number {
    return this.#items.length - this.#head;
  }

  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** Accepted events not yet released (queued + in flight). */
  get outstanding(): number {
    return this.#outstanding;
  }

  /** Callers waiting for a free slot. */
  get waiting(): number {
    return this.#waiters.length - this.#waiterHead;
  }

  get hasSpace(): boolean {
    return this.#outstanding < this.capacity;
  }

  /** Adds `item` if a slot is free; false when the queue is full (nothing is added then). */
  tryPush(item: T): boolean {
    // Waiters go first: a caller arriving while others wait must not overtake them.
    if (!this.hasSpace || this.waiting > 0) return false;
    this.#push(item);
    return true;
  }

  /**
   * Resolves when the caller may push: immediately when a slot is free and nobody waits, else in
   * arrival order as slots are released. The slot is reserved for the caller: push right after with
   * `pushReserved` (synchronously, in the same tick).
   */
  waitForSpace(): Promise<void> {
    if (this.hasSpace && this.waiting === 0) {
      this.#outstanding++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Pushes into a slot reserved by a resolved `waitForSpace`. */
  pushReserved(item: T): void {
    this.#items.push(item);
    this.#queuedBytes += item.sizeBytes;
  }

  /** Gives a reserved slot back without pushing (the caller failed between waiting and pushing). */
  cancelReservation(): void {
    this.release(1);
  }

  #push(item: T): void {
    this.#outstanding++;
    this.pushReserved(item);
  }

  /**
   * Takes the oldest items for one batch: at most `maxCount`, and at most `maxBytes` unless a single
   * item is bigger (it then travels alone, so an oversized event fails on its own at the broker).
   * Taken items still hold their slots until `release`.
   */
  take(maxCount: number, maxBytes: number): T[] {
    const batch: T[] = [];
    let bytes = 0;
    while (this.#head < this.#items.length && batch.length < maxCount) {
      const item = this.#items[this.#head] as T;
      if (batch.length > 0 && bytes + item.sizeBytes > maxBytes) break;
      batch.push(item);
      bytes += item.sizeBytes;
      this.#head++;
    }
    this.#queuedBytes -= bytes;
    if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
    } else if (this.#head > 4096 && this.#head * 2 > this.#items.length) {
      this.#items.splice(0, this.#head);
      this.#head = 0;
    }
    return batch;
  }

  /** The oldest queued item, if any. */
  peek(): T | undefined {
    return this.#items[this.#head];
  }

  /** Frees `count` slots (events delivered or failed) and hands them to waiting callers in order. */
  release(count: number): void {
    this.#outstanding -= count;
    if (this.#outstanding < 0) throw new Error(`released more slots than were taken (${this.#outstanding})`);
    while (this.hasSpace && this.#waiterHead < this.#waiters.length) {
      const waiter = this.#waiters[this.#waiterHead] as SpaceWaiter;
      this.#waiterHead++;
      this.#outstanding++;
      waiter.resolve();
    }
    if (this.#waiterHead === this.#waiters.length) {
      this.#waiters.length = 0;
      this.#waiterHead = 0;
    }
  }

  /** Rejects every caller still waiting for a slot (the producer gave up, e.g. a fatal error). */
  rejectWaiters(error: unknown): void {
    const waiters = this.#waiters.splice(this.#waiterHead);
    this.#waiters.length = 0;
    this.#waiterHead = 0;
    for (const w of waiters) w.reject(error);
  }
}
