import {
  COUNT_WINDOWS_DAYS,
  EVENT_TYPES,
  QUADRANTS,
  STALL_REASONS,
  type EventCounts,
  type Quadrant,
  type ScopeScore,
  type StallExemption,
  type StallFinding,
  type StallReason,
} from '@mesh-momentum/scoring';

/**
 * The fields of a score hash (`…:score:<scope>`, `…:{mesh}:score`): flat strings, so any Redis client
 * can read a number with one HGET. docs/redis-contract.md documents each field; a unit test keeps the
 * two in step.
 */
export const SCORE_FIELDS = [
  'asOfMs',
  'momentum',
  'value',
  'momentumRaw',
  'valueRaw',
  'momentumTrend7',
  'momentumTrend30',
  'valueTrend7',
  'valueTrend30',
  'quadrant',
  'stalled',
  'stallReason',
  'stalledSinceMs',
  'stallFindings',
  'stallExemption',
  'lastPositiveEventMs',
  'lastEventMs',
  'eventCount',
  'counts',
  'standing',
  'ownerTeam',
] as const;

export type ScoreField = (typeof SCORE_FIELDS)[number];

/**
 * The score's field values as the writer sends them, in SCORE_FIELDS order (one array, no object per
 * score). `stalledSinceMs` is left empty: it depends on the scope's previous score, which only the
 * writing script sees (it keeps the held value while the scope stays stalled and sets the write's
 * `asOfMs` when it becomes stalled).
 */
export function scoreFieldValues(score: ScopeScore): string[] {
  return [
    String(score.asOfMs),
    String(score.momentum.score),
    String(score.value.score),
    String(score.momentum.raw),
    String(score.value.raw),
    String(score.momentum.trend7),
    String(score.momentum.trend30),
    String(score.value.trend7),
    String(score.value.trend30),
    score.quadrant,
    score.stall.stalled ? '1' : '0',
    score.stall.reason ?? '',
    '',
    findingsToJson(score.stall.findings),
    score.stall.exemption ?? '',
    score.stall.lastMomentumEventMs === undefined ? '' : String(score.stall.lastMomentumEventMs),
    score.lastEventMs === null ? '' : String(score.lastEventMs),
    String(score.eventCount),
    countsToJson(score.counts),
    JSON.stringify(score.standing),
    score.ownerTeam ?? '',
  ];
}

/** The score's fields by name (scoreFieldValues, keyed), `stalledSinceMs` empty. */
export function scoreToFields(score: ScopeScore): Record<ScoreField, string> {
  const values = scoreFieldValues(score);
  return Object.fromEntries(SCORE_FIELDS.map((f, i) => [f, values[i]])) as Record<ScoreField, string>;
}

/** `[]` for the many scopes that are not stalled: no JSON.stringify on the hot path. */
function findingsToJson(findings: readonly StallFinding[]): string {
  return findings.length === 0 ? '[]' : JSON.stringify(findings);
}

/**
 * Counts per window with the zero counts left out: a scope sees a few of the eleven types in a window,
 * and this field is written with every batch that touches the scope, so zeros would be most of it.
 */
function countsToJson(counts: ScopeScore['counts']): string {
  // Built by hand: this runs for every scope of every batch, and the generic route (filtered objects,
  // then JSON.stringify) was a tenth of the processor's time at a steady 10k events/s.
  let json = '{';
  for (const [w, days] of COUNT_WINDOWS_DAYS.entries()) {
    json += `${w === 0 ? '' : ','}"${days}":{`;
    let first = true;
    const window = counts[days];
    for (const type of EVENT_TYPES) {
      const n = window[type];
      if (n === 0) continue;
      json += `${first ? '' : ','}"${type}":${n}`;
      first = false;
    }
    json += '}';
  }
  return `${json}}`;
}

/** The counts per window with every event type present (absent types are 0). */
function countsFromJson(json: string): ScopeScore['counts'] {
  const sparse = JSON.parse(json) as Record<string, Record<string, number> | undefined>;
  const full = (days: number): EventCounts =>
    Object.fromEntries(EVENT_TYPES.map((type) => [type, sparse[days]?.[type] ?? 0])) as EventCounts;
  return Object.fromEntries(COUNT_WINDOWS_DAYS.map((days) => [days, full(days)])) as ScopeScore['counts'];
}

/** A score as readers see it, parsed from the hash. */
export interface StoredScore {
  readonly asOfMs: number;
  readonly momentum: {
    readonly score: number;
    readonly raw: number;
    readonly trend7: number;
    readonly trend30: number;
  };
  readonly value: {
    readonly score: number;
    readonly raw: number;
    readonly trend7: number;
    readonly trend30: number;
  };
  readonly quadrant: Quadrant;
  readonly stalled: boolean;
  /** The first stall rule that holds (docs/scoring.md, "Stall"); undefined when not stalled. */
  readonly stallReason: StallReason | undefined;
  /**
   * Since when the scope has been stalled without interruption, ms since the epoch: the `asOfMs` of the
   * first write that found it stalled (within one tick of the rule starting to hold). Undefined when
   * not stalled.
   */
  readonly stalledSinceMs: number | undefined;
  /** Every stall rule that holds, with the value that crossed its threshold (same order as the rules). */
  readonly stallFindings: readonly StallFinding[];
  /** Why the scope is not judged (`retired` product); undefined when it is judged. */
  readonly stallExemption: StallExemption | undefined;
  readonly lastPositiveEventMs: number | undefined;
  readonly lastEventMs: number | undefined;
  readonly eventCount: number;
  readonly counts: ScopeScore['counts'];
  readonly standing: ScopeScore['standing'];
  /** The team of the product's latest publication; undefined for domains, the mesh and older data. */
  readonly ownerTeam: string | undefined;
}

const STALL_EXEMPTIONS: readonly StallExemption[] = ['retired', 'paused'];

export function scoreFromFields(hash: Readonly<Record<string, string>>): StoredScore | undefined {
  if (hash['asOfMs'] === undefined) return undefined;
  const num = (f: ScoreField) => Number(hash[f]);
  const optional = (f: ScoreField) => (hash[f] ? Number(hash[f]) : undefined);
  return {
    asOfMs: num('asOfMs'),
    momentum: {
      score: num('momentum'),
      raw: num('momentumRaw'),
      trend7: num('momentumTrend7'),
      trend30: num('momentumTrend30'),
    },
    value: {
      score: num('value'),
      raw: num('valueRaw'),
      trend7: num('valueTrend7'),
      trend30: num('valueTrend30'),
    },
    quadrant: oneOf(QUADRANTS, hash['quadrant'], 'quadrant'),
    stalled: hash['stalled'] === '1',
    stallReason: hash['stallReason'] ? oneOf(STALL_REASONS, hash['stallReason'], 'stallReason') : undefined,
    stalledSinceMs: optional('stalledSinceMs'),
    stallFindings: findingsFromJson(hash['stallFindings']),
    stallExemption: hash['stallExemption']
      ? oneOf(STALL_EXEMPTIONS, hash['stallExemption'], 'stallExemption')
      : undefined,
    lastPositiveEventMs: optional('lastPositiveEventMs'),
    lastEventMs: optional('lastEventMs'),
    eventCount: num('eventCount'),
    counts: countsFromJson(hash['counts'] ?? '{}'),
    standing: JSON.parse(hash['standing'] ?? '{}') as ScopeScore['standing'],
    ownerTeam: hash['ownerTeam'] || undefined,
  };
}

/** Absent in hashes written before the field existed: no findings on record. */
function findingsFromJson(json: string | undefined): readonly StallFinding[] {
  if (!json) return [];
  const parsed = JSON.parse(json) as StallFinding[];
  for (const f of parsed) oneOf(STALL_REASONS, f.rule, 'stallFindings[].rule');
  return parsed;
}

/** A stored name checked against the contract's list: a value outside it is a contract violation. */
function oneOf<T extends string>(allowed: readonly T[], value: string | undefined, field: string): T {
  if (value !== undefined && (allowed as readonly string[]).includes(value)) return value as T;
  throw new TypeError(
    `score hash field ${field} holds ${JSON.stringify(value)}, not one of ${allowed.join(', ')}`,
  );
}
