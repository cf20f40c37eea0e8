import { EVENT_TYPE_INDEX, typeIndexes } from './event-type-index.ts';
import { EVENT_TYPES, type EventType } from './events.ts';
import { zeroCounts, type EventCounts } from './score.ts';
import { lowerBound, placeOf } from './sorted-days.ts';

/**
 * Event counts per day, one slot per event type (EVENT_TYPES order), in ONE flat array for all days:
 * a processor holds these for thousands of scopes over a year, and one small array per scope-day was
 * millions of objects for the garbage collector to trace.
 */
export class DayCounts {
  static readonly #STRIDE = EVENT_TYPES.length;
  readonly #days: number[] = [];
  #counts = new Float64Array(8 * DayCounts.#STRIDE);

  get size(): number {
    return this.#days.length;
  }

  /** Index of `day`, inserted (with zero counts) when absent. */
  #slot(day: number): number {
    const days = this.#days;
    const i = placeOf(days, day);
    if (days[i] === day) return i;
    const n = days.length;
    const stride = DayCounts.#STRIDE;
    if ((n + 1) * stride > this.#counts.length) {
      const grown = new Float64Array(Math.max(2 * this.#counts.length, (n + 1) * stride));
      grown.set(this.#counts);
      this.#counts = grown;
    }
    this.#counts.copyWithin((i + 1) * stride, i * stride, n * stride);
    this.#counts.fill(0, i * stride, (i + 1) * stride);
    days.splice(i, 0, day);
    return i;
  }

  add(day: number, typeIndex: number, n: number): void {
    const k = this.#slot(day) * DayCounts.#STRIDE + typeIndex;
    this.#counts[k] = (this.#counts[k] as number) + n;
  }

  addAll(entries: Iterable<readonly [number, Float64Array | Partial<Record<EventType, number>>]>): void {
    for (const [day, counts] of entries) {
      if (counts instanceof Float64Array) {
        for (let t = 0; t < counts.length; t++) if (counts[t]) this.add(day, t, counts[t] as number);
      } else {
        for (const [type, n] of Object.entries(counts)) {
          const index = EVENT_TYPE_INDEX.get(type as EventType);
          if (index !== undefined && n) this.add(day, index, n);
        }
      }
    }
  }

  /** The count of one event type (by EVENT_TYPES index) on one day. */
  valueAt(day: number, typeIndex: number): number {
    const i = lowerBound(this.#days, day);
    return this.#days[i] === day ? (this.#counts[i * DayCounts.#STRIDE + typeIndex] as number) : 0;
  }

  /**
   * Drops the counts of the days before `day` (retention: see retention.ts), except, for each type of
   * `keep`, the latest such day with that type (only that type's count stays on it): what
   * `lastDayWithAny(keep types, …)` needs of the past. Returns the dropped (day, type index) cells.
   */
  dropBefore(day: number, keep: ReadonlySet<EventType>): [number, number][] {
    const stride = DayCounts.#STRIDE;
    const k = lowerBound(this.#days, day);
    const keepers = new Map<number, number>(); // type index → slot of its latest day before `day`
    for (const t of typeIndexes(keep)) {
      for (let i = k - 1; i >= 0; i--) {
        if ((this.#counts[i * stride + t] as number) > 0) {
          keepers.set(t, i);
          break;
        }
      }
    }
    const dropped: [number, number][] = [];
    const keptDays: number[] = [];
    const kept = new Float64Array(this.#counts.length);
    let out = 0;
    for (let i = 0; i < this.#days.length; i++) {
      const d = this.#days[i] as number;
      let any = i >= k;
      for (let t = 0; t < stride; t++) {
        const n = this.#counts[i * stride + t] as number;
        if (n === 0) continue;
        if (i >= k || keepers.get(t) === i) {
          kept[out * stride + t] = n;
          any = true;
        } else dropped.push([d, t]);
      }
      if (any) {
        keptDays.push(d);
        out += 1;
      }
    }
    this.#days.splice(0, this.#days.length, ...keptDays);
    this.#counts = kept;
    return dropped;
  }

  /** Adds every day of `other` (the fast path of merging two states). */
  merge(other: DayCounts): void {
    const stride = DayCounts.#STRIDE;
    for (let j = 0; j < other.#days.length; j++) {
      const to = this.#slot(other.#days[j] as number) * stride;
      for (let t = 0; t < stride; t++) {
        this.#counts[to + t] = (this.#counts[to + t] as number) + (other.#counts[j * stride + t] as number);
      }
    }
  }

  /** Each day with its counts (views into the flat array: read them before the next change). */
  entries(): [number, Float64Array][] {
    const stride = DayCounts.#STRIDE;
    return this.#days.map((day, i) => [day, this.#counts.subarray(i * stride, (i + 1) * stride)]);
  }

  /** Whether day slot `i` has an event of one of the type indexes in `types`. */
  #hasAny(i: number, types: readonly number[]): boolean {
    const base = i * DayCounts.#STRIDE;
    for (let t = 0; t < types.length; t++)
      if ((this.#counts[base + (types[t] as number)] as number) > 0) return true;
    return false;
  }

  /** Ascending days in [fromDay, toDay] with an event of one of `types`. */
  daysWithAny(types: ReadonlySet<EventType>, fromDay: number, toDay: number): number[] {
    const indexes = typeIndexes(types);
    const days: number[] = [];
    const all = this.#days;
    for (let i = lowerBound(all, fromDay); i < all.length && (all[i] as number) <= toDay; i++) {
      if (this.#hasAny(i, indexes)) days.push(all[i] as number);
    }
    return days;
  }

  /** The latest day <= `toDay` with an event of one of `types`, or null. */
  lastDayWithAny(types: ReadonlySet<EventType>, toDay: number): number | null {
    const indexes = typeIndexes(types);
    for (let i = this.#days.length - 1; i >= 0; i--) {
      if ((this.#days[i] as number) <= toDay && this.#hasAny(i, indexes)) return this.#days[i] as number;
    }
    return null;
  }

  /** Events per type with day index in [fromDay, toDay]. */
  inDays(fromDay: number, toDay: number): EventCounts {
    const stride = DayCounts.#STRIDE;
    const days = this.#days;
    let i = days.length;
    while (i > 0 && (days[i - 1] as number) >= fromDay) i -= 1;
    const sums = new Float64Array(stride);
    for (; i < days.length && (days[i] as number) <= toDay; i++) {
      for (let t = 0; t < stride; t++)
        sums[t] = (sums[t] as number) + (this.#counts[i * stride + t] as number);
    }
    const counts = zeroCounts();
    for (let t = 0; t < stride; t++) counts[EVENT_TYPES[t] as EventType] = sums[t] as number;
    return counts;
  }
}
