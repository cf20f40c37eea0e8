import type { ScoringConfig } from './config.ts';
import { contributionOf, METRICS, type Metric } from './contribution.ts';
import { anchoredWeight, decayedAt } from './decay.ts';
import { EVENT_TYPES, type EventType, type ScoringEvent } from './events.ts';
import { assembleScore, halfLifeMs, zeroCounts, type EventCounts, type ScopeScore } from './score.ts';
import type { ScopeContext } from './stall.ts';
import { Standing } from './scope-standing.ts';
import { standingEntryOf, type StandingEntry } from './standing.ts';

export { Standing };
import { dayIndexOf } from './time.ts';
import type { ScopeAggregate } from './aggregate.ts';

/**
 * The mutable, in-memory form of a scope's aggregate (`ScopeAggregate` is the immutable one), built for
 * a long-running processor: merging a batch touches only the days and entities the batch has, and a
 * score reuses prefix sums that stay valid up to the earliest day changed since the last score. For
 * events arriving in time order both cost O(batch + scoring windows) however long the scope's history
 * grows, where copying or re-scanning a year of day buckets per batch would not.
 *
 * Same meaning and merge rules as `ScopeAggregate` (sums add, times min/max, standing latest entry per
 * entity); `fromAggregate`/`toAggregate` convert exactly.
 */
export class ScopeState {
  readonly anchored: Record<Metric, number> = { momentum: 0, value: 0 };
  readonly anchoredByDay: Record<Metric, DaySums> = { momentum: new DaySums(), value: new DaySums() };
  readonly countsByDay = new DayCounts();
  eventCount = 0;
  firstEventMs: number | null = null;
  lastEventMs: number | null = null;
  lastPositiveMomentumMs: number | null = null;
  readonly standing = new Standing();

  static fromAggregate(agg: ScopeAggregate): ScopeState {
    const state = new ScopeState();
    for (const metric of METRICS) {
      state.anchored[metric] = agg.anchored[metric];
      state.anchoredByDay[metric] = DaySums.fromEntries(
        Object.entries(agg.anchoredByDay[metric]).map(([day, amount]) => [Number(day), amount]),
      );
    }
    state.countsByDay.addAll(
      Object.entries(agg.countsByDay).map(([day, counts]) => [Number(day), counts] as const),
    );
    state.eventCount = agg.eventCount;
    state.firstEventMs = agg.firstEventMs;
    state.lastEventMs = agg.lastEventMs;
    state.lastPositiveMomentumMs = agg.lastPositiveMomentumMs;
    for (const [key, entry] of Object.entries(agg.standing)) state.standing.offer(key, entry);
    return state;
  }

  toAggregate(): ScopeAggregate {
    const byDay = (sums: DaySums) => Object.fromEntries(sums.entries().map(([d, a]) => [String(d), a]));
    return {
      anchored: { ...this.anchored },
      anchoredByDay: { momentum: byDay(this.anchoredByDay.momentum), value: byDay(this.anchoredByDay.value) },
      countsByDay: Object.fromEntries(
        this.countsByDay.entries().map(([day, counts]) => [String(day), countsRecord(counts)]),
      ),
      eventCount: this.eventCount,
      firstEventMs: this.firstEventMs,
      lastEventMs: this.lastEventMs,
      lastPositiveMomentumMs: this.lastPositiveMomentumMs,
      standing: this.standing.toState(),
    };
  }

  /** Adds one event (the caller de-duplicates; the same event added twice counts twice). */
  addEvent(event: ScoringEvent, config: ScoringConfig): void {
    this.addPrepared(prepareEvent(event, config), true);
  }

  /**
   * Adds an event prepared once for all the scopes it goes to. `withStanding` false leaves the standing
   * alone (a product scope holds only its own consumers; the caller decides).
   */
  addPrepared(p: PreparedEvent, withStanding: boolean): void {
    for (const metric of METRICS) {
      this.anchored[metric] += p.anchored[metric];
      this.anchoredByDay[metric].add(p.day, p.anchored[metric]);
    }
    this.countsByDay.add(p.day, p.typeIndex, 1);
    this.eventCount += 1;
    this.#noteTimes(p.timeMs, p.timeMs, p.positiveMomentum ? p.timeMs : null);
    if (withStanding && p.standing) this.standing.offer(p.standing.key, p.standing.entry);
  }

  /** Merges another state into this one, in place (`other` is left untouched). */
  merge(other: ScopeState): void {
    for (const metric of METRICS) {
      this.anchored[metric] += other.anchored[metric];
      this.anchoredByDay[metric].addAll(other.anchoredByDay[metric]);
    }
    this.countsByDay.merge(other.countsByDay);
    this.eventCount += other.eventCount;
    if (other.firstEventMs !== null) {
      this.#noteTimes(
        other.firstEventMs,
        other.lastEventMs ?? other.firstEventMs,
        other.lastPositiveMomentumMs,
      );
    }
    for (const [key, entry] of other.standing.entries()) this.standing.offer(key, entry);
  }

  #noteTimes(first: number, last: number, lastPositive: number | null): void {
    this.firstEventMs = this.firstEventMs === null ? first : Math.min(this.firstEventMs, first);
    this.lastEventMs = this.lastEventMs === null ? last : Math.max(this.lastEventMs, last);
    if (lastPositive !== null) {
      this.lastPositiveMomentumMs =
        this.lastPositiveMomentumMs === null
          ? lastPositive
          : Math.max(this.lastPositiveMomentumMs, lastPositive);
    }
  }

  /**
   * The score as of `asOfMs` (docs/scoring.md), the same as `scoreOf(this.toAggregate(), ...)`. The
   * scope's kind picks the per-kind normalisation and stall settings.
   */
  score(asOfMs: number, config: ScoringConfig, scope: ScopeContext): ScopeScore {
    const decayed = (metric: Metric, anchored: number, t: number) =>
      decayedAt(anchored, t, config.anchorEpochMs, halfLifeMs(metric, config));
    const before = (metric: Metric, day: number) => this.anchoredByDay[metric].sumBefore(day);
    return assembleScore(
      {
        rawAt: (metric, t) => decayed(metric, before(metric, dayIndexOf(t) + 1), t),
        rawBefore: (metric, b) => decayed(metric, before(metric, dayIndexOf(b)), b),
        countsInDays: (fromDay, toDay) => this.countsByDay.inDays(fromDay, toDay),
        daysWithAny: (types, fromDay, toDay) => this.countsByDay.daysWithAny(types, fromDay, toDay),
        lastDayWithAny: (types, toDay) => this.countsByDay.lastDayWithAny(types, toDay),
        standing: this.standing.counts(),
        ownerTeam: () => this.standing.ownerTeam(),
        eventCount: this.eventCount,
        firstEventMs: this.firstEventMs,
        lastEventMs: this.lastEventMs,
        lastPositiveMomentumMs: this.lastPositiveMomentumMs,
      },
      asOfMs,
      config,
      scope,
    );
  }
}

/** What an event adds to any scope, computed once per event. */
export interface PreparedEvent {
  readonly timeMs: number;
  readonly day: number;
  readonly typeIndex: number;
  /** Anchored contribution per metric (`w · 2^((t − T0)/H)`). */
  readonly anchored: Readonly<Record<Metric, number>>;
  /** The event's own weights, before anchoring. */
  readonly weights: Readonly<Record<Metric, number>>;
  readonly positiveMomentum: boolean;
  readonly standing: { readonly key: string; readonly entry: StandingEntry } | undefined;
}

export function prepareEvent(event: ScoringEvent, config: ScoringConfig): PreparedEvent {
  const weights = contributionOf(event, config);
  const anchor = (metric: Metric) =>
    anchoredWeight(weights[metric], event.timeMs, config.anchorEpochMs, halfLifeMs(metric, config));
  return {
    timeMs: event.timeMs,
    day: dayIndexOf(event.timeMs),
    typeIndex: EVENT_TYPE_INDEX.get(event.type) as number,
    anchored: { momentum: anchor('momentum'), value: anchor('value') },
    weights: { momentum: weights.momentum, value: weights.value },
    positiveMomentum: weights.momentum > 0,
    standing: standingEntryOf(event),
  };
}

const EVENT_TYPE_INDEX: ReadonlyMap<EventType, number> = new Map(EVENT_TYPES.map((t, i) => [t, i]));

const typeIndexCache = new WeakMap<ReadonlySet<EventType>, readonly number[]>();

/** EVENT_TYPES indexes of a set of types; the stall asks with the same few sets for every score. */
function typeIndexes(types: ReadonlySet<EventType>): readonly number[] {
  let indexes = typeIndexCache.get(types);
  if (!indexes)
    typeIndexCache.set(types, (indexes = [...types].map((t) => EVENT_TYPE_INDEX.get(t) as number)));
  return indexes;
}

function countsRecord(counts: Float64Array): Partial<Record<EventType, number>> {
  const record: Partial<Record<EventType, number>> = {};
  for (const [i, type] of EVENT_TYPES.entries()) if (counts[i]) record[type] = counts[i];
  return record;
}

/** Index of the first element of ascending `days` that is >= `day` (days.length when none). */
function lowerBound(days: readonly number[], day: number): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((days[mid] as number) < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Values per UTC day index, kept in ascending day order. Events mostly arrive for the newest day, so
 * finding the slot checks the end first; a late event for an older day is a binary search and a splice.
 */
abstract class DaySeries<V> {
  protected readonly days: number[] = [];
  protected readonly values: V[] = [];

  protected slot(day: number, create: () => V): number {
    const n = this.days.length;
    if (n > 0 && this.days[n - 1] === day) return n - 1;
    const i = n === 0 || (this.days[n - 1] as number) < day ? n : lowerBound(this.days, day);
    if (this.days[i] !== day) {
      this.days.splice(i, 0, day);
      this.values.splice(i, 0, create());
    }
    return i;
  }

  /** Index of the first day >= `day`, searching from the end (callers ask about recent days). */
  protected firstFrom(day: number): number {
    let i = this.days.length;
    while (i > 0 && (this.days[i - 1] as number) >= day) i -= 1;
    return i;
  }

  get size(): number {
    return this.days.length;
  }

  entries(): [number, V][] {
    return this.days.map((day, i) => [day, this.values[i] as V]);
  }
}

/**
 * Anchored sums per day of one metric, with prefix sums (added in ascending day order, as the reference
 * does, so no cancellation against newer, larger buckets) kept valid up to the earliest changed day:
 * new events land at the end, so keeping them current costs O(days changed), not O(history).
 */
export class DaySums extends DaySeries<number> {
  /** `prefix[i]`: Σ of the first i buckets; entries beyond the earliest change are dropped. */
  readonly #prefix: number[] = [0];

  static fromEntries(entries: readonly (readonly [number, number])[]): DaySums {
    const sums = new DaySums();
    for (const [day, amount] of [...entries].sort((a, b) => a[0] - b[0])) sums.add(day, amount);
    return sums;
  }

  add(day: number, amount: number): void {
    const i = this.slot(day, () => 0);
    this.values[i] = (this.values[i] as number) + amount;
    if (this.#prefix.length > i + 1) this.#prefix.length = i + 1;
  }

  addAll(other: DaySums): void {
    for (let i = 0; i < other.days.length; i++) this.add(other.days[i] as number, other.values[i] as number);
  }

  /** The bucket of one day (0 when there is none). */
  valueAt(day: number): number {
    const i = lowerBound(this.days, day);
    return this.days[i] === day ? (this.values[i] as number) : 0;
  }

  /**
   * Folds the buckets of the days before `day` into one, kept at the latest of those days (retention:
   * see retention.ts). The fold is the same left-to-right sum the prefix sums make, so `sumBefore(d)`
   * for every `d >= day` stays bit-identical. Undefined when fewer than two buckets lie before `day`.
   */
  foldBefore(day: number): { removed: number[]; foldDay: number; foldValue: number } | undefined {
    const k = lowerBound(this.days, day);
    if (k < 2) return undefined;
    let sum = 0;
    for (let i = 0; i < k; i++) sum += this.values[i] as number;
    const removed = this.days.splice(0, k - 1);
    this.values.splice(0, k - 1);
    this.values[0] = sum;
    this.#prefix.length = 1;
    return { removed, foldDay: this.days[0] as number, foldValue: sum };
  }

  /** Σ of the buckets with day index < `day`. */
  sumBefore(day: number): number {
    const j = this.firstFrom(day);
    const prefix = this.#prefix;
    for (let i = prefix.length - 1; i < j; i++)
      prefix.push((prefix[i] as number) + (this.values[i] as number));
    return prefix[j] as number;
  }
}

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
    const n = days.length;
    if (n > 0 && days[n - 1] === day) return n - 1;
    const i = n === 0 || (days[n - 1] as number) < day ? n : lowerBound(days, day);
    if (days[i] === day) return i;
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
