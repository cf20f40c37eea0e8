import { normalise } from './normalise.ts';
import type { ScoringConfig, ScopeKind } from './config.ts';
import type { EventType } from './events.ts';
import { DAY_MS, dayIndexOf, startOfUtcDay } from './time.ts';

/**
 * The one definition of a stall (docs/scoring.md, "Stall"), evaluated per scope from what its state
 * holds: the last momentum-building event, the day counts and the raw momentum at past UTC midnights.
 * The processor writes it into the score hashes and the alerter reads it from there, so they cannot
 * disagree; `reference.ts` feeds the same rules from the plain event list.
 */

/** The rules, in the order `reason` picks the first one that holds. */
export const STALL_REASONS = ['inactivity', 'broken-rhythm', 'low-momentum', 'decline'] as const;
export type StallReason = (typeof STALL_REASONS)[number];

/** Why a scope is not judged at all: a retired product, or a scope the caller says is paused. */
export type StallExemption = 'retired' | 'paused';

/** One rule that holds, with the value that crossed its threshold. */
export interface StallFinding {
  readonly rule: StallReason;
  /** The measured value: days of silence for `inactivity`/`broken-rhythm`, normalised points otherwise. */
  readonly value: number;
  /**
   * The threshold it crossed, same unit: `inactivity.days`; `max(factor × medianGapDays, minSilenceDays)`;
   * `lowMomentum.below` (momentum stayed under it now and at `lowMomentum.forDays` midnights);
   * `−decline.minFallPoints`.
   */
  readonly threshold: number;
}

export interface StallEvidence {
  readonly stalled: boolean;
  /** The first finding's rule (STALL_REASONS order); absent when not stalled. */
  readonly reason?: StallReason;
  /** Every rule that holds, in STALL_REASONS order; empty when not stalled. */
  readonly findings: readonly StallFinding[];
  /** Set when the scope is not judged (it then never stalls). */
  readonly exemption?: StallExemption;
  /** Time of the latest momentum-building event (momentum weight > 0); absent when there was none. */
  readonly lastMomentumEventMs?: number;
  /** Days since `lastMomentumEventMs` (or since the first event when there was none); absent without events. */
  readonly silenceDays?: number;
  /** Median gap between momentum-building days, in days, once the scope has a rhythm (enough gaps). */
  readonly medianGapDays?: number;
  /** Momentum trends, as in `ScopeScore.momentum`. */
  readonly trend7: number;
  readonly trend30: number;
}

/** Who is being judged: the kind picks the per-kind settings; a paused scope is never stalled. */
export interface ScopeContext {
  readonly kind: ScopeKind;
  /** The caller's list of explicitly paused scopes (a programme on hold); @defaultValue false */
  readonly paused?: boolean;
}

/** What the stall rules need from a scope, whichever implementation answers. */
export interface StallPrimitives {
  /** S(b) of momentum for a UTC midnight b: events with t_e < b, decayed to b. */
  rawBefore(metric: 'momentum', boundaryMs: number): number;
  /** Ascending distinct UTC day indexes in [fromDay, toDay] with at least one event of one of `types`. */
  daysWithAny(types: ReadonlySet<EventType>, fromDay: number, toDay: number): readonly number[];
  /** The latest UTC day index <= `toDay` with an event of one of `types`; null when none. */
  lastDayWithAny(types: ReadonlySet<EventType>, toDay: number): number | null;
  readonly firstEventMs: number | null;
  readonly lastPositiveMomentumMs: number | null;
}

const PUBLISHED: ReadonlySet<EventType> = new Set(['DataProductPublished']);
const RETIRED: ReadonlySet<EventType> = new Set(['DataProductRetired']);

const buildingTypesCache = new WeakMap<ScoringConfig, ReadonlySet<EventType>>();

/**
 * Event types that can build momentum: some momentum weight of the type is > 0. The rhythm works on
 * day counts per type, which do not keep each event's weight; with the default weights every event of
 * these types has a positive momentum weight, so the rhythm sees the same events as `lastMomentumEventMs`.
 */
export function momentumBuildingTypes(config: ScoringConfig): ReadonlySet<EventType> {
  const cached = buildingTypesCache.get(config);
  if (cached) return cached;
  const w = config.weights;
  const any = (table: Readonly<Record<string, number>>) => Object.values(table).some((v) => v > 0);
  const building: Record<EventType, boolean> = {
    DataProductPublished: any(w.DataProductPublished.momentumByTier),
    DataProductRetired: w.DataProductRetired.momentum > 0,
    ConsumerOnboarded: w.ConsumerOnboarded.momentum > 0,
    ConsumerOffboarded: w.ConsumerOffboarded.momentum > 0,
    ChampionGained: any(w.ChampionGained.momentumByRole),
    ChampionLost: any(w.ChampionLost.momentumByRole),
    UseCaseDelivered: w.UseCaseDelivered.momentum > 0 && any(w.UseCaseDelivered.momentumRiskMultiplier),
    StakeholderEngaged: any(w.StakeholderEngaged.momentumByKind),
    QualityIncidentOpened: any(w.QualityIncidentOpened.momentumBySeverity),
    QualityIncidentResolved: any(w.QualityIncidentResolved.momentumBySeverity),
    ProductUsageReported: w.ProductUsageReported.momentum > 0,
    DataProductDiscovered: false,
  };
  const types = new Set(
    (Object.keys(building) as EventType[]).filter((type) => building[type]),
  ) as ReadonlySet<EventType>;
  buildingTypesCache.set(config, types);
  return types;
}

/** Median of the gaps between ascending days (at least two days); mean of the middle two for an even count. */
function medianGap(days: readonly number[]): number {
  // A typed array sorts numerically without a comparator: this runs for every scope on every score.
  const gaps = new Float64Array(days.length - 1);
  for (let i = 1; i < days.length; i++) gaps[i - 1] = (days[i] as number) - (days[i - 1] as number);
  gaps.sort();
  const mid = gaps.length >> 1;
  return gaps.length % 2 === 1
    ? (gaps[mid] as number)
    : ((gaps[mid - 1] as number) + (gaps[mid] as number)) / 2;
}

/** A product is retired while its latest retirement day is on or after its latest publication day. */
function isRetired(p: StallPrimitives, today: number): boolean {
  const retired = p.lastDayWithAny(RETIRED, today);
  if (retired === null) return false;
  const published = p.lastDayWithAny(PUBLISHED, today);
  return published === null || published <= retired;
}

interface Rhythm {
  /** Whole UTC days since the last momentum-building day (null: none in the lookback). */
  readonly silenceDays: number | null;
  readonly medianGapDays?: number;
}

function rhythmOf(p: StallPrimitives, today: number, config: ScoringConfig): Rhythm {
  const { lookbackDays, minGaps } = config.stall.rhythm;
  const days = p.daysWithAny(momentumBuildingTypes(config), today - lookbackDays, today);
  const last = days[days.length - 1];
  if (last === undefined) return { silenceDays: null };
  return days.length - 1 >= minGaps
    ? { silenceDays: today - last, medianGapDays: medianGap(days) }
    : { silenceDays: today - last };
}

/** Normalised momentum stayed under `below` now and at each of the last `forDays` UTC midnights. */
function lowForDuration(
  p: StallPrimitives,
  asOfMs: number,
  score: number,
  k: number,
  config: ScoringConfig,
): boolean {
  const { below, forDays } = config.stall.lowMomentum;
  const today = startOfUtcDay(asOfMs);
  // A scope younger than the duration has not been low for that long.
  let low = (p.firstEventMs as number) < today - (forDays - 1) * DAY_MS && score < below;
  for (let day = 0; low && day < forDays; day += 1) {
    low = normalise(p.rawBefore('momentum', today - day * DAY_MS), k) < below;
  }
  return low;
}

/**
 * Evaluates every stall rule for one scope as of `asOfMs` (docs/scoring.md, "Stall"). A scope without
 * events, a paused scope and a retired product are never stalled.
 *
 * @param momentum the scope's normalised momentum and trends at asOf (per-kind K already applied).
 */
export function stallOf(
  p: StallPrimitives,
  asOfMs: number,
  momentum: { readonly score: number; readonly trend7: number; readonly trend30: number },
  config: ScoringConfig,
  scope: ScopeContext,
): StallEvidence {
  const base = {
    trend7: momentum.trend7,
    trend30: momentum.trend30,
    ...(p.lastPositiveMomentumMs === null ? {} : { lastMomentumEventMs: p.lastPositiveMomentumMs }),
  };
  if (p.firstEventMs === null) return { stalled: false, findings: [], ...base };
  const today = dayIndexOf(asOfMs);
  const silenceDays = (asOfMs - (p.lastPositiveMomentumMs ?? p.firstEventMs)) / DAY_MS;
  const exemption: StallExemption | undefined = scope.paused
    ? 'paused'
    : scope.kind === 'product' && isRetired(p, today)
      ? 'retired'
      : undefined;
  if (exemption) return { stalled: false, findings: [], exemption, silenceDays, ...base };

  const stall = config.stall;
  const rhythm = rhythmOf(p, today, config);
  const limit =
    rhythm.medianGapDays === undefined || stall.rhythm.factor === 0
      ? undefined
      : stall.rhythm.factor * rhythm.medianGapDays;
  // A scope still within its own rhythm is judged by it alone: its quiet spells are its normal.
  const inRhythm = limit !== undefined && rhythm.silenceDays !== null && rhythm.silenceDays <= limit;
  const findings: StallFinding[] = [];
  const inactivityDays = stall.inactivity.days[scope.kind];
  if (inactivityDays > 0 && silenceDays >= inactivityDays && !inRhythm) {
    findings.push({ rule: 'inactivity', value: silenceDays, threshold: inactivityDays });
  }
  const minSilenceDays = stall.rhythm.minSilenceDays[scope.kind];
  if (
    limit !== undefined &&
    rhythm.silenceDays !== null &&
    rhythm.silenceDays > limit &&
    rhythm.silenceDays >= minSilenceDays
  ) {
    findings.push({
      rule: 'broken-rhythm',
      value: rhythm.silenceDays,
      threshold: Math.max(limit, minSilenceDays),
    });
  }
  // A rhythm whose beats are at least the duration apart sits low between them by nature.
  const slowBeat = inRhythm && (rhythm.medianGapDays as number) >= stall.lowMomentum.forDays;
  const k = config.momentum.normalisationK[scope.kind];
  if (stall.lowMomentum.below > 0 && !slowBeat && lowForDuration(p, asOfMs, momentum.score, k, config)) {
    findings.push({ rule: 'low-momentum', value: momentum.score, threshold: stall.lowMomentum.below });
  }
  // Not excused by rhythm: decay alone cannot take this much in 30 days (docs/scoring.md), so the
  // scope lost momentum through its own events (consumers, champions, incidents).
  const fall = stall.decline.minFallPoints;
  if (fall > 0 && momentum.trend30 <= -fall) {
    findings.push({ rule: 'decline', value: momentum.trend30, threshold: -fall });
  }
  const first = findings[0];
  return {
    stalled: first !== undefined,
    ...(first ? { reason: first.rule } : {}),
    findings,
    silenceDays,
    ...(rhythm.medianGapDays === undefined ? {} : { medianGapDays: rhythm.medianGapDays }),
    ...base,
  };
}
