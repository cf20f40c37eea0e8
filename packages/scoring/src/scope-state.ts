import type { ScopeAggregate } from './aggregate.ts';
import type { ScoringConfig } from './config.ts';
import { METRICS, type Metric } from './contribution.ts';
import { DayCounts } from './day-counts.ts';
import { DaySums } from './day-sums.ts';
import { decayedAt } from './decay.ts';
import { EVENT_TYPES, type EventType, type ScoringEvent } from './events.ts';
import { prepareEvent, type PreparedEvent } from './prepared-event.ts';
import { Standing } from './scope-standing.ts';
import { assembleScore, halfLifeMs, type ScopeScore } from './score.ts';
import type { ScopeContext } from './stall.ts';
import { dayIndexOf } from './time.ts';

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

/** One day's counts in the aggregate's form: by type, zero counts left out. */
function countsRecord(counts: Float64Array): Partial<Record<EventType, number>> {
  const record: Partial<Record<EventType, number>> = {};
  for (const [i, type] of EVENT_TYPES.entries()) if (counts[i]) record[type] = counts[i];
  return record;
}
