import { lowerBound, placeOf } from './sorted-days.ts';

/**
 * Anchored sums per UTC day index of one metric, kept in ascending day order, with prefix sums (added
 * in ascending day order, as the reference does, so no cancellation against newer, larger buckets)
 * kept valid up to the earliest changed day: new events land at the end, so keeping them current costs
 * O(days changed), not O(history). Events mostly arrive for the newest day, so finding the slot checks
 * the end first; a late event for an older day is a binary search and a splice.
 */
export class DaySums {
  readonly #days: number[] = [];
  readonly #values: number[] = [];
  /** `prefix[i]`: Σ of the first i buckets; entries beyond the earliest change are dropped. */
  readonly #prefix: number[] = [0];

  static fromEntries(entries: readonly (readonly [number, number])[]): DaySums {
    const sums = new DaySums();
    for (const [day, amount] of [...entries].sort((a, b) => a[0] - b[0])) sums.add(day, amount);
    return sums;
  }

  get size(): number {
    return this.#days.length;
  }

  entries(): [number, number][] {
    return this.#days.map((day, i) => [day, this.#values[i] as number]);
  }

  /** Index of `day`'s bucket, inserted (empty) when absent. */
  #slot(day: number): number {
    const i = placeOf(this.#days, day);
    if (this.#days[i] !== day) {
      this.#days.splice(i, 0, day);
      this.#values.splice(i, 0, 0);
    }
    return i;
  }

  /** Index of the first day >= `day`, searching from the end (callers ask about recent days). */
  #firstFrom(day: number): number {
    let i = this.#days.length;
    while (i > 0 && (this.#days[i - 1] as number) >= day) i -= 1;
    return i;
  }

  add(day: number, amount: number): void {
    const i = this.#slot(day);
    this.#values[i] = (this.#values[i] as number) + amount;
    if (this.#prefix.length > i + 1) this.#prefix.length = i + 1;
  }

  addAll(other: DaySums): void {
    for (let i = 0; i < other.#days.length; i++)
      this.add(other.#days[i] as number, other.#values[i] as number);
  }

  /** The bucket of one day (0 when there is none). */
  valueAt(day: number): number {
    const i = lowerBound(this.#days, day);
    return this.#days[i] === day ? (this.#values[i] as number) : 0;
  }

  /**
   * Folds the buckets of the days before `day` into one, kept at the latest of those days (retention:
   * see retention.ts). The fold is the same left-to-right sum the prefix sums make, so `sumBefore(d)`
   * for every `d >= day` stays bit-identical. Undefined when fewer than two buckets lie before `day`.
   */
  foldBefore(day: number): { removed: number[]; foldDay: number; foldValue: number } | undefined {
    const k = lowerBound(this.#days, day);
    if (k < 2) return undefined;
    let sum = 0;
    for (let i = 0; i < k; i++) sum += this.#values[i] as number;
    const removed = this.#days.splice(0, k - 1);
    this.#values.splice(0, k - 1);
    this.#values[0] = sum;
    this.#prefix.length = 1;
    return { removed, foldDay: this.#days[0] as number, foldValue: sum };
  }

  /** Σ of the buckets with day index < `day`. */
  sumBefore(day: number): number {
    const j = this.#firstFrom(day);
    const prefix = this.#prefix;
    for (let i = prefix.length - 1; i < j; i++)
      prefix.push((prefix[i] as number) + (this.#values[i] as number));
    return prefix[j] as number;
  }
}
