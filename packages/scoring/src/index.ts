/**
 * @mesh-momentum/scoring — pure scoring maths, no I/O, no clock: every function takes the instant it
 * scores at (`asOfMs`) explicitly. docs/scoring.md defines every formula used here.
 */
export * from './events.ts';
export * from './time.ts';
export {
  DEFAULT_SCORING_CONFIG,
  parseScoringConfig,
  ScoringConfigError,
  SCORING_CONFIG_INVALID,
  halfLifeMsOf,
  SCOPE_KINDS,
  type ScopeKind,
  type PerScopeKind,
  type StallConfig,
  type ScoringConfig,
  type MetricConfig,
  type EventWeights,
  type ConfigIssue,
} from './config.ts';
export {
  contributionOf,
  scopesOf,
  eventInScope,
  METRICS,
  type Contribution,
  type Metric,
  type Scope,
} from './contribution.ts';
export {
  MAX_ANCHOR_EXPONENT,
  anchorFactor,
  anchoredWeight,
  decayedAt,
  decayedWeight,
  rebaseAnchored,
} from './decay.ts';
export { normalise, quadrantOf, QUADRANTS, type Quadrant } from './normalise.ts';
export {
  EMPTY_STANDING,
  applyStanding,
  mergeStanding,
  standingCounts,
  standingEntryOf,
  isLaterEntry,
  type StandingEntity,
  type StandingEntry,
  type StandingState,
  type StandingCounts,
} from './standing.ts';
export {
  TREND_WINDOWS_DAYS,
  COUNT_WINDOWS_DAYS,
  type ScorePrimitives,
  type CountWindowDays,
  type EventCounts,
  type MetricScore,
  type ScopeScore,
} from './score.ts';
export {
  STALL_REASONS,
  stallOf,
  momentumBuildingTypes,
  type ScopeContext,
  type StallEvidence,
  type StallExemption,
  type StallFinding,
  type StallPrimitives,
  type StallReason,
} from './stall.ts';
export { emptyAggregate, applyEvent, mergeAggregates, scoreOf, type ScopeAggregate } from './aggregate.ts';
export {
  computeScores,
  computeScopeScore,
  dedupEvents,
  canonicalEvents,
  type MeshScores,
  type ReferenceOptions,
} from './reference.ts';
export { ScopeState } from './scope-state.ts';
export { DaySums } from './day-sums.ts';
export { DayCounts } from './day-counts.ts';
export { Standing } from './scope-standing.ts';
export { prepareEvent, type PreparedEvent } from './prepared-event.ts';
export { explain, type Contributor, type Explanation } from './explain.ts';
export {
  HISTORY_RETAINED_DAYS,
  retentionCutoffs,
  compactScope,
  type Compaction,
  type RetentionCutoffs,
} from './retention.ts';
