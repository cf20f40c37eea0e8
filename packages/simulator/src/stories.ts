import type {
  ChampionRole,
  DataProductTier,
  EngagementKind,
  IncidentSeverity,
  UseCaseRisk,
} from './events.ts';

/**
 * The four stories a simulated domain can tell over the programme's timeline, as parameters. Rates are
 * occurrences per week at scale 1, as piecewise-linear curves over the elapsed fraction of the timeline
 * (0 = startMs, 1 = endMs), so a story keeps its shape whatever the span. Occurrences follow the rate
 * with a jittered accumulator (not Poisson), so counts stay within one of the expected value and a
 * story shows for every seed.
 */

export const STORY_NAMES = ['thriving', 'hype', 'grind', 'stalling'] as const;
export type StoryName = (typeof STORY_NAMES)[number];

/** The quadrant (SPEC "Scores") the story aims at for its domain at the end of the timeline. */
export type Quadrant = 'thriving' | 'hype' | 'grind' | 'stalled';

/** Whether a stalled-momentum alert should fire for the domain by the end of the timeline. */
export type StallAlertExpectation = 'expected' | 'possible' | 'unexpected';

/** Things that happen at a rate; usage reports come on a fixed cadence instead. */
export const ACTIVITIES = [
  'publish',
  'retire',
  'onboard',
  'offboard',
  'championGained',
  'championLost',
  'useCase',
  'engage',
  'incident',
] as const;
export type Activity = (typeof ACTIVITIES)[number];

/** Points `[fraction, value]` with non-decreasing fractions; linear in between, flat outside. */
export type Curve = readonly (readonly [number, number])[];

/** Inclusive range `[min, max]`. */
export type Range = readonly [number, number];

export interface StoryParameters {
  readonly name: StoryName;
  readonly expectedQuadrant: Quadrant;
  readonly stallAlert: StallAlertExpectation;
  /** One sentence a demo can print. */
  readonly summary: string;
  /** Occurrences per week at scale 1. */
  readonly ratesPerWeek: Readonly<Record<Activity, Curve>>;
  /** Probability that a publication is a new product rather than a new version of an existing one. */
  readonly newProductShare: number;
  readonly tierWeights: Readonly<Record<DataProductTier, number>>;
  readonly roleWeights: Readonly<Record<ChampionRole, number>>;
  readonly riskWeights: Readonly<Record<UseCaseRisk, number>>;
  /** Estimated annual value in EUR by risk. */
  readonly valueEur: Readonly<Record<UseCaseRisk, Range>>;
  readonly productsPerUseCase: Range;
  /** Probability that an onboarding names a delivered use case built on the product. */
  readonly onboardingUseCaseShare: number;
  readonly engagementWeights: Readonly<Record<EngagementKind, number>>;
  readonly audienceSize: Readonly<Record<EngagementKind, Range>>;
  readonly severityWeights: Readonly<Record<IncidentSeverity, number>>;
  /** Time from opening to resolving an incident, hours. */
  readonly incidentResolutionHours: Range;
  readonly usage: {
    readonly period: 'week' | 'month';
    /** Probability that a current consumer uses the product in a period, over the timeline. */
    readonly activeShare: Curve;
    /** Queries per active consumer per week, before the trend. */
    readonly queriesPerConsumerWeek: Range;
    /** Multiplier of queries over the timeline. */
    readonly trend: Curve;
  };
}

/** Value of a curve at fraction `f`. */
export function curveAt(curve: Curve, f: number): number {
  const first = curve[0];
  if (first === undefined) return 0;
  if (f <= first[0]) return first[1];
  for (let i = 1; i < curve.length; i++) {
    const [x1, y1] = curve[i] as readonly [number, number];
    if (f <= x1) {
      const [x0, y0] = curve[i - 1] as readonly [number, number];
      return x1 === x0 ? y1 : y0 + ((y1 - y0) * (f - x0)) / (x1 - x0);
    }
  }
  return (curve[curve.length - 1] as readonly [number, number])[1];
}

const flat = (rate: number): Curve => [[0, rate]];

const thriving: StoryParameters = {
  name: 'thriving',
  expectedQuadrant: 'thriving',
  stallAlert: 'unexpected',
  summary:
    'Steady products, consumers and champions; low/moderate-risk use cases with real value delivered ' +
    'regularly; regular demos and workshops; incidents resolved within hours; usage growing.',
  ratesPerWeek: {
    publish: [
      [0, 0.4],
      [1, 0.6],
    ],
    retire: flat(0.02),
    onboard: [
      [0, 0.8],
      [1, 1.6],
    ],
    offboard: flat(0.1),
    championGained: flat(0.35),
    championLost: flat(0.05),
    useCase: [
      [0, 0.25],
      [0.2, 0.4],
      [1, 0.45],
    ],
    engage: flat(0.8),
    incident: flat(0.12),
  },
  newProductShare: 0.5,
  tierWeights: { experimental: 0.15, standard: 0.6, critical: 0.25 },
  roleWeights: { champion: 0.75, sponsor: 0.2, executive_sponsor: 0.05 },
  riskWeights: { low: 0.45, moderate: 0.45, high: 0.1 },
  valueEur: { low: [40_000, 180_000], moderate: [120_000, 400_000], high: [300_000, 900_000] },
  productsPerUseCase: [1, 3],
  onboardingUseCaseShare: 0.5,
  engagementWeights: { demo: 0.35, workshop: 0.25, training: 0.25, announcement: 0.15 },
  audienceSize: { demo: [15, 60], workshop: [8, 25], training: [10, 40], announcement: [150, 600] },
  severityWeights: { low: 0.5, medium: 0.35, high: 0.13, critical: 0.02 },
  incidentResolutionHours: [2, 36],
  usage: {
    period: 'week',
    activeShare: flat(0.85),
    queriesPerConsumerWeek: [400, 2_500],
    trend: [
      [0, 1],
      [1, 2.5],
    ],
  },
};

const hype: StoryParameters = {
  name: 'hype',
  expectedQuadrant: 'hype',
  stallAlert: 'unexpected',
  summary:
    'All momentum, no value: many announcements, workshops, champions and (mostly experimental) ' +
    'products, consumers sign up, but hardly a use case goes live and the few are tiny; hardly any usage.',
  ratesPerWeek: {
    publish: flat(0.8),
    retire: flat(0.03),
    onboard: flat(0.9),
    offboard: flat(0.15),
    championGained: flat(0.6),
    championLost: flat(0.05),
    useCase: [
      [0, 0],
      [0.5, 0],
      [0.5, 0.04],
      [1, 0.04],
    ],
    engage: flat(2.5),
    incident: flat(0.08),
  },
  newProductShare: 0.65,
  tierWeights: { experimental: 0.6, standard: 0.35, critical: 0.05 },
  roleWeights: { champion: 0.7, sponsor: 0.2, executive_sponsor: 0.1 },
  riskWeights: { low: 0.8, moderate: 0.2, high: 0 },
  valueEur: { low: [2_000, 12_000], moderate: [5_000, 15_000], high: [5_000, 15_000] },
  productsPerUseCase: [1, 2],
  onboardingUseCaseShare: 0.05,
  engagementWeights: { demo: 0.15, workshop: 0.3, training: 0.1, announcement: 0.45 },
  audienceSize: { demo: [20, 80], workshop: [15, 40], training: [10, 30], announcement: [300, 2_000] },
  severityWeights: { low: 0.6, medium: 0.3, high: 0.1, critical: 0 },
  incidentResolutionHours: [4, 72],
  // Sign-ups rarely turn into use: few consumers query, and only a monthly catalog export reports it.
  usage: {
    period: 'month',
    activeShare: flat(0.08),
    queriesPerConsumerWeek: [1, 10],
    trend: flat(1),
  },
};

const grind: StoryParameters = {
  name: 'grind',
  expectedQuadrant: 'grind',
  stallAlert: 'possible',
  summary:
    'Value without momentum: a few critical products, rare but large high-risk use cases, hardly any ' +
    'engagement, few champions and some of them lost; usage heavy but reported monthly.',
  ratesPerWeek: {
    publish: flat(0.12),
    retire: flat(0),
    onboard: flat(0.12),
    offboard: flat(0.02),
    championGained: flat(0.08),
    championLost: [
      [0, 0],
      [0.3, 0.05],
      [1, 0.05],
    ],
    useCase: [
      [0, 0],
      [0.25, 0],
      [0.25, 0.09],
      [1, 0.09],
    ],
    engage: flat(0.05),
    incident: flat(0.06),
  },
  newProductShare: 0.7,
  tierWeights: { experimental: 0, standard: 0.4, critical: 0.6 },
  roleWeights: { champion: 0.5, sponsor: 0.4, executive_sponsor: 0.1 },
  riskWeights: { low: 0, moderate: 0.1, high: 0.9 },
  valueEur: { low: [200_000, 500_000], moderate: [400_000, 1_200_000], high: [900_000, 3_500_000] },
  productsPerUseCase: [2, 4],
  onboardingUseCaseShare: 0.6,
  engagementWeights: { demo: 0.5, workshop: 0, training: 0, announcement: 0.5 },
  audienceSize: { demo: [5, 15], workshop: [5, 10], training: [5, 10], announcement: [40, 120] },
  severityWeights: { low: 0.2, medium: 0.4, high: 0.3, critical: 0.1 },
  incidentResolutionHours: [48, 240],
  usage: {
    period: 'month',
    activeShare: flat(0.95),
    queriesPerConsumerWeek: [5_000, 20_000],
    trend: [
      [0, 1],
      [1, 1.4],
    ],
  },
};

const stalling: StoryParameters = {
  name: 'stalling',
  expectedQuadrant: 'stalled',
  stallAlert: 'expected',
  summary:
    'Starts strong for about five months, then dries up: champions leave, consumers offboard, a ' +
    'product is retired, incidents linger, and nothing builds momentum in the last ~2.5 months.',
  ratesPerWeek: {
    publish: [
      [0, 0.6],
      [0.42, 0.6],
      [0.7, 0.05],
      [0.8, 0],
    ],
    retire: [
      [0, 0],
      [0.6, 0],
      [0.6, 0.08],
    ],
    onboard: [
      [0, 1.1],
      [0.42, 1.1],
      [0.72, 0.05],
      [0.8, 0],
    ],
    offboard: [
      [0, 0.05],
      [0.45, 0.05],
      [0.6, 0.4],
    ],
    championGained: [
      [0, 0.45],
      [0.42, 0.45],
      [0.65, 0],
    ],
    championLost: [
      [0, 0],
      [0.42, 0],
      [0.55, 0.3],
    ],
    useCase: [
      [0, 0.25],
      [0.42, 0.3],
      [0.65, 0],
    ],
    engage: [
      [0, 1.2],
      [0.42, 1.2],
      [0.75, 0.05],
      [0.8, 0],
    ],
    incident: [
      [0, 0.04],
      [0.55, 0.04],
      [0.65, 0.12],
    ],
  },
  newProductShare: 0.6,
  tierWeights: { experimental: 0.3, standard: 0.6, critical: 0.1 },
  roleWeights: { champion: 0.75, sponsor: 0.2, executive_sponsor: 0.05 },
  riskWeights: { low: 0.5, moderate: 0.45, high: 0.05 },
  valueEur: { low: [20_000, 90_000], moderate: [60_000, 180_000], high: [150_000, 400_000] },
  productsPerUseCase: [1, 2],
  onboardingUseCaseShare: 0.4,
  engagementWeights: { demo: 0.3, workshop: 0.3, training: 0.2, announcement: 0.2 },
  audienceSize: { demo: [15, 50], workshop: [8, 25], training: [10, 30], announcement: [100, 500] },
  severityWeights: { low: 0.2, medium: 0.4, high: 0.3, critical: 0.1 },
  incidentResolutionHours: [72, 400],
  usage: {
    period: 'week',
    activeShare: [
      [0, 0.8],
      [0.42, 0.8],
      [1, 0.35],
    ],
    queriesPerConsumerWeek: [300, 1_500],
    trend: [
      [0, 1],
      [0.42, 1.3],
      [1, 0.3],
    ],
  },
};

export const STORIES: Readonly<Record<StoryName, StoryParameters>> = { thriving, hype, grind, stalling };
