import type { ChampionRole, EngagementKind, IncidentSeverity, ProductTier, UseCaseRisk } from './events.ts';

/**
 * The one scoring configuration: weights, half-lives, normalisation constants, quadrant thresholds and
 * stall settings. `DEFAULT_SCORING_CONFIG` holds every default; `parseScoringConfig` validates a (partial)
 * override, fills in the defaults, rejects unknown keys and returns a frozen object. docs/scoring.md has
 * the table of defaults and the formulas they feed.
 */

/** The kinds of scope scores are kept for (`Scope['kind']`). */
export const SCOPE_KINDS = ['product', 'domain', 'mesh'] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

/** A setting with one value per scope kind. */
export type PerScopeKind = Readonly<Record<ScopeKind, number>>;

/** Half-life and normalisation constants of one metric. */
export interface MetricConfig {
  /** Half-life H of the metric in days: a contribution counts half after this long. */
  readonly halfLifeDays: number;
  /**
   * K of `N(S) = 100 · (1 − e^(−S/K))` per scope kind, in metric points: S = K gives a score of about 63.
   * A product, a domain and the mesh gather very different amounts of S, so each has its own K.
   */
  readonly normalisationK: PerScopeKind;
}

type Table<K extends string> = Readonly<Record<K, number>>;

export interface EventWeights {
  readonly DataProductPublished: {
    readonly momentumByTier: Table<ProductTier>;
    readonly valueByTier: Table<ProductTier>;
  };
  /** <= 0: a retirement takes momentum and value away. */
  readonly DataProductRetired: { readonly momentum: number; readonly value: number };
  readonly ConsumerOnboarded: { readonly momentum: number; readonly value: number };
  /** <= 0. */
  readonly ConsumerOffboarded: { readonly momentum: number; readonly value: number };
  readonly ChampionGained: {
    readonly momentumByRole: Table<ChampionRole>;
    readonly valueByRole: Table<ChampionRole>;
  };
  /** <= 0. */
  readonly ChampionLost: {
    readonly momentumByRole: Table<ChampionRole>;
    readonly valueByRole: Table<ChampionRole>;
  };
  readonly UseCaseDelivered: {
    /** Momentum of a use case before the risk multiplier. */
    readonly momentum: number;
    /** Multiplies `momentum`; `high` must be below `low` and `moderate` (SPEC: low/moderate risk builds more). */
    readonly momentumRiskMultiplier: Table<UseCaseRisk>;
    /** Value of any delivered use case, whatever its estimate. */
    readonly valueBase: number;
    /** Value added per factor of ten of `1 + amount / valueUnit`. */
    readonly valuePerDecade: number;
    /** Amount (in the rate table's reference currency) that counts as one unit in the log term. */
    readonly valueUnit: number;
    /**
     * Conversion rates to one reference currency by ISO 4217 code (`amount × rate`). A currency missing
     * from the table is taken as-is (rate 1); the default table is empty, so all amounts are taken as-is.
     */
    readonly currencyRates: Readonly<Record<string, number>>;
  };
  readonly StakeholderEngaged: {
    readonly momentumByKind: Table<EngagementKind>;
    readonly valueByKind: Table<EngagementKind>;
    /** People per unit in the audience factor `1 + log10(1 + audienceSize / audienceUnit)`. */
    readonly audienceUnit: number;
  };
  /** <= 0: trust lost. */
  readonly QualityIncidentOpened: {
    readonly momentumBySeverity: Table<IncidentSeverity>;
    readonly valueBySeverity: Table<IncidentSeverity>;
  };
  /** >= 0: trust regained. */
  readonly QualityIncidentResolved: {
    readonly momentumBySeverity: Table<IncidentSeverity>;
    readonly valueBySeverity: Table<IncidentSeverity>;
  };
  readonly ProductUsageReported: {
    readonly momentum: number;
    /** Value per factor of ten of `1 + activeConsumers`. */
    readonly valuePerConsumerDecade: number;
    /** Value per factor of ten of `1 + queries / queriesUnit`. */
    readonly valuePerQueryDecade: number;
    readonly queriesUnit: number;
  };
}

export interface ScoringConfig {
  /**
   * Reference epoch T0 of the anchored sums, ms since the Unix epoch. Every stored sum depends on it:
   * changing it requires a rebuild (or `rebaseAnchored` on every stored number).
   */
  readonly anchorEpochMs: number;
  readonly momentum: MetricConfig;
  readonly value: MetricConfig;
  readonly weights: EventWeights;
  readonly quadrant: {
    /** Normalised momentum at or above which a scope has "high" momentum, 0..100, per scope kind. */
    readonly momentumThreshold: PerScopeKind;
    /** Normalised value at or above which a scope has "high" value, 0..100, per scope kind. */
    readonly valueThreshold: PerScopeKind;
  };
  readonly stall: StallConfig;
}

/** The stall rules (docs/scoring.md, "Stall"); each can be switched off on its own. */
export interface StallConfig {
  /** `inactivity`: no momentum-building event for this many days (0 switches the rule off). */
  readonly inactivity: { readonly days: PerScopeKind };
  /**
   * `broken-rhythm`: the silence since the last momentum-building day exceeds `factor` × the scope's own
   * median gap between momentum-building days (and `minSilenceDays`), once the scope has `minGaps` gaps
   * within the last `lookbackDays`. A scope whose silence is still within its rhythm is judged by it:
   * `inactivity` does not apply to it, nor `low-momentum` when its median gap is at least
   * `lowMomentum.forDays` (it sits low between beats by nature).
   */
  readonly rhythm: {
    /** 0 switches the rule (and the judging by rhythm) off. */
    readonly factor: number;
    readonly minGaps: number;
    /** Silences shorter than this never break a rhythm, in days. */
    readonly minSilenceDays: PerScopeKind;
    readonly lookbackDays: number;
  };
  /** `low-momentum`: normalised momentum under `below` (0 = off) now and at each of `forDays` midnights. */
  readonly lowMomentum: { readonly below: number; readonly forDays: number };
  /** `decline`: 30-day momentum trend at or below `−minFallPoints`, normalised points (0 = off). */
  readonly decline: { readonly minFallPoints: number };
}

/** Every default in one place; docs/scoring.md repeats them in a table that a test checks. */
export const DEFAULT_SCORING_CONFIG: ScoringConfig = deepFreeze({
  anchorEpochMs: Date.UTC(2024, 0, 1),
  momentum: { halfLifeDays: 14, normalisationK: { product: 5, domain: 30, mesh: 60 } },
  value: { halfLifeDays: 91, normalisationK: { product: 40, domain: 150, mesh: 400 } },
  weights: {
    DataProductPublished: {
      momentumByTier: { experimental: 3, standard: 5, critical: 8 },
      valueByTier: { experimental: 0, standard: 0, critical: 0 },
    },
    DataProductRetired: { momentum: -3, value: -1 },
    ConsumerOnboarded: { momentum: 4, value: 2 },
    ConsumerOffboarded: { momentum: -4, value: -2 },
    ChampionGained: {
      momentumByRole: { champion: 3, sponsor: 5, executive_sponsor: 8 },
      valueByRole: { champion: 0, sponsor: 0, executive_sponsor: 0 },
    },
    ChampionLost: {
      momentumByRole: { champion: -3, sponsor: -5, executive_sponsor: -8 },
      valueByRole: { champion: 0, sponsor: 0, executive_sponsor: 0 },
    },
    UseCaseDelivered: {
      momentum: 6,
      momentumRiskMultiplier: { low: 1, moderate: 0.8, high: 0.4 },
      valueBase: 2,
      valuePerDecade: 5,
      valueUnit: 10_000,
      currencyRates: {},
    },
    StakeholderEngaged: {
      momentumByKind: { demo: 2, workshop: 3, training: 3, announcement: 1 },
      valueByKind: { demo: 0, workshop: 0, training: 0, announcement: 0 },
      audienceUnit: 10,
    },
    QualityIncidentOpened: {
      momentumBySeverity: { low: -1, medium: -2, high: -4, critical: -8 },
      valueBySeverity: { low: 0, medium: -1, high: -2, critical: -4 },
    },
    QualityIncidentResolved: {
      momentumBySeverity: { low: 0.5, medium: 1, high: 2, critical: 4 },
      valueBySeverity: { low: 0, medium: 0.5, high: 1, critical: 2 },
    },
    ProductUsageReported: {
      momentum: 0,
      valuePerConsumerDecade: 2,
      valuePerQueryDecade: 1,
      queriesUnit: 1_000,
    },
  },
  quadrant: {
    momentumThreshold: { product: 50, domain: 50, mesh: 50 },
    valueThreshold: { product: 50, domain: 25, mesh: 50 },
  },
  stall: {
    inactivity: { days: { product: 45, domain: 21, mesh: 14 } },
    rhythm: {
      factor: 3,
      minGaps: 4,
      minSilenceDays: { product: 28, domain: 14, mesh: 7 },
      lookbackDays: 730,
    },
    lowMomentum: { below: 15, forDays: 14 },
    decline: { minFallPoints: 55 },
  },
});

/** One problem with one config field; `field` is a dotted path such as `momentum.halfLifeDays`. */
export interface ConfigIssue {
  readonly field: string;
  readonly reason: string;
}

/** Same stable code as `ConfigError` in @mesh-momentum/common (this package depends on nothing). */
export const SCORING_CONFIG_INVALID = 'MM_ERR_CONFIG_INVALID';

/** A scoring configuration that cannot be used; `issues` names every offending field and why. */
export class ScoringConfigError extends Error {
  readonly code = SCORING_CONFIG_INVALID;
  readonly retriable = false;
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(`invalid scoring configuration: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`);
    this.name = 'ScoringConfigError';
    this.issues = issues;
  }
}

/** Keys whose children are an open map (any key, number values) rather than a fixed shape. */
const OPEN_MAPS = new Set(['weights.UseCaseDelivered.currencyRates']);

/** Weights that must be <= 0 (SPEC: these contribute negatively); every other weight must be >= 0. */
const NEGATIVE_WEIGHTS = [
  'weights.DataProductRetired',
  'weights.ConsumerOffboarded',
  'weights.ChampionLost',
  'weights.QualityIncidentOpened',
];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Overlays `input` on `template`, which fixes the shape: unknown keys, non-objects where an object is
 * expected and non-finite numbers are reported. Missing keys keep the template's value.
 */
function overlay(template: unknown, input: unknown, path: string, issues: ConfigIssue[]): unknown {
  if (typeof template === 'number') {
    if (typeof input !== 'number' || !Number.isFinite(input)) {
      issues.push({ field: path, reason: 'must be a finite number' });
      return template;
    }
    return input;
  }
  if (!isPlainObject(input)) {
    issues.push({ field: path || '(root)', reason: 'must be an object' });
    return template;
  }
  const result: Record<string, unknown> = {};
  if (OPEN_MAPS.has(path)) {
    for (const [key, value] of Object.entries(input)) {
      result[key] = overlay(1, value, `${path}.${key}`, issues);
    }
    return result;
  }
  const shape = template as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(shape, key))
      issues.push({ field: path ? `${path}.${key}` : key, reason: 'unknown key' });
  }
  for (const [key, value] of Object.entries(shape)) {
    const childPath = path ? `${path}.${key}` : key;
    result[key] = Object.hasOwn(input, key) ? overlay(value, input[key], childPath, issues) : value;
  }
  return result;
}

/** Every numeric leaf under `value`, with its dotted path. */
function leaves(value: unknown, path: string): [string, number][] {
  if (typeof value === 'number') return [[path, value]];
  if (!isPlainObject(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => leaves(child, `${path}.${key}`));
}

function semanticIssues(config: ScoringConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const check = (ok: boolean, field: string, reason: string): void => {
    if (!ok) issues.push({ field, reason });
  };
  check(Number.isInteger(config.anchorEpochMs), 'anchorEpochMs', 'must be an integer number of milliseconds');
  for (const metric of ['momentum', 'value'] as const) {
    check(config[metric].halfLifeDays > 0, `${metric}.halfLifeDays`, 'must be > 0');
    for (const kind of SCOPE_KINDS) {
      const field = `${metric}.normalisationK.${kind}`;
      check(config[metric].normalisationK[kind] > 0, field, 'must be > 0');
    }
  }
  for (const [field, weight] of leaves(config.weights, 'weights')) {
    const negative = NEGATIVE_WEIGHTS.some((prefix) => field.startsWith(`${prefix}.`));
    if (negative) check(weight <= 0, field, 'must be <= 0 (this event type contributes negatively)');
    else check(weight >= 0, field, 'must be >= 0');
  }
  const useCase = config.weights.UseCaseDelivered;
  const risk = useCase.momentumRiskMultiplier;
  check(
    risk.high < risk.low && risk.high < risk.moderate,
    'weights.UseCaseDelivered.momentumRiskMultiplier.high',
    'must be below low and moderate (low- and moderate-risk use cases build more momentum)',
  );
  check(useCase.valueUnit > 0, 'weights.UseCaseDelivered.valueUnit', 'must be > 0');
  for (const [code, rate] of Object.entries(useCase.currencyRates)) {
    check(
      /^[A-Z]{3}$/.test(code),
      `weights.UseCaseDelivered.currencyRates.${code}`,
      'must be an ISO 4217 code',
    );
    check(rate > 0, `weights.UseCaseDelivered.currencyRates.${code}`, 'must be > 0');
  }
  check(
    config.weights.StakeholderEngaged.audienceUnit > 0,
    'weights.StakeholderEngaged.audienceUnit',
    'must be > 0',
  );
  check(
    config.weights.ProductUsageReported.queriesUnit > 0,
    'weights.ProductUsageReported.queriesUnit',
    'must be > 0',
  );
  for (const key of ['momentumThreshold', 'valueThreshold'] as const) {
    for (const kind of SCOPE_KINDS) {
      const v = config.quadrant[key][kind];
      check(v >= 0 && v <= 100, `quadrant.${key}.${kind}`, 'must be within 0..100');
    }
  }
  issues.push(...stallIssues(config.stall));
  return issues;
}

function stallIssues(stall: StallConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const integer = (value: number, min: number, field: string) => {
    if (!(Number.isInteger(value) && value >= min))
      issues.push({ field: `stall.${field}`, reason: `must be an integer >= ${min}` });
  };
  const points = (value: number, field: string) => {
    if (!(value >= 0 && value <= 100))
      issues.push({ field: `stall.${field}`, reason: 'must be within 0..100' });
  };
  for (const kind of SCOPE_KINDS) {
    integer(stall.inactivity.days[kind], 0, `inactivity.days.${kind}`);
    integer(stall.rhythm.minSilenceDays[kind], 1, `rhythm.minSilenceDays.${kind}`);
  }
  if (!(stall.rhythm.factor >= 0)) issues.push({ field: 'stall.rhythm.factor', reason: 'must be >= 0' });
  integer(stall.rhythm.minGaps, 1, 'rhythm.minGaps');
  integer(stall.rhythm.lookbackDays, 1, 'rhythm.lookbackDays');
  points(stall.lowMomentum.below, 'lowMomentum.below');
  integer(stall.lowMomentum.forDays, 1, 'lowMomentum.forDays');
  points(stall.decline.minFallPoints, 'decline.minFallPoints');
  return issues;
}

/**
 * Validates a scoring configuration (for example a parsed JSON or YAML file). Keys left out take their
 * default from `DEFAULT_SCORING_CONFIG`; unknown keys are an error, so a typo never falls back to a
 * default silently.
 *
 * @throws ScoringConfigError naming every bad field and the reason.
 */
export function parseScoringConfig(input: unknown): ScoringConfig {
  const issues: ConfigIssue[] = [];
  const merged = overlay(DEFAULT_SCORING_CONFIG, input ?? {}, '', issues) as ScoringConfig;
  if (issues.length === 0) issues.push(...semanticIssues(merged));
  if (issues.length > 0) throw new ScoringConfigError(issues);
  return deepFreeze(merged);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Half-life of a metric in milliseconds. */
export function halfLifeMsOf(metric: MetricConfig): number {
  return metric.halfLifeDays * 86_400_000;
}
