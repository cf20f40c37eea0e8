/**
 * The simulator's own structural view of the v1 domain events: the CloudEvents-style envelope followed by
 * the payload fields exactly as `schemas/events/*.avsc` define them (enums as strings, decimals as
 * strings with two fraction digits, timestamps as milliseconds since the Unix epoch, UTC). Deliberately
 * local: the package stays independent of the generated types in @mesh-momentum/events, and a unit test
 * checks every simulated event against the Avro schemas instead.
 */

export const SIMULATED_EVENT_TYPES = [
  'DataProductPublished',
  'DataProductRetired',
  'ConsumerOnboarded',
  'ConsumerOffboarded',
  'ChampionGained',
  'ChampionLost',
  'UseCaseDelivered',
  'StakeholderEngaged',
  'QualityIncidentOpened',
  'QualityIncidentResolved',
  'ProductUsageReported',
] as const;
export type SimulatedEventType = (typeof SIMULATED_EVENT_TYPES)[number];

export type DataProductTier = 'experimental' | 'standard' | 'critical';
export type ChampionRole = 'champion' | 'sponsor' | 'executive_sponsor';
export type UseCaseRisk = 'low' | 'moderate' | 'high';
export type EngagementKind = 'demo' | 'workshop' | 'training' | 'announcement';
export type IncidentSeverity = 'low' | 'medium' | 'high' | 'critical';

/** Envelope shared by every event; `(source, id)` is the de-duplication key. */
interface Envelope<T extends SimulatedEventType> {
  readonly id: string;
  readonly source: string;
  readonly type: T;
  /** Event time, milliseconds since the Unix epoch, UTC. */
  readonly time: number;
  /** The entity the event is about, as each schema's doc defines it. */
  readonly subject: string;
  readonly domain: string;
}

export interface SimulatedDataProductPublished extends Envelope<'DataProductPublished'> {
  readonly productId: string;
  readonly name: string;
  readonly version: string;
  readonly ownerTeam: string;
  readonly tier: DataProductTier;
}

export interface SimulatedDataProductRetired extends Envelope<'DataProductRetired'> {
  readonly productId: string;
  readonly reason: string;
}

export interface SimulatedConsumerOnboarded extends Envelope<'ConsumerOnboarded'> {
  readonly productId: string;
  readonly consumerTeam: string;
  /** Nullable in the schema (`["null", "string"]`, default null). */
  readonly useCaseId: string | null;
}

export interface SimulatedConsumerOffboarded extends Envelope<'ConsumerOffboarded'> {
  readonly productId: string;
  readonly consumerTeam: string;
  readonly reason: string;
}

export interface SimulatedChampionGained extends Envelope<'ChampionGained'> {
  readonly personId: string;
  readonly role: ChampionRole;
}

export interface SimulatedChampionLost extends Envelope<'ChampionLost'> {
  readonly personId: string;
  readonly role: ChampionRole;
}

export interface SimulatedUseCaseDelivered extends Envelope<'UseCaseDelivered'> {
  readonly useCaseId: string;
  readonly productIds: readonly string[];
  readonly risk: UseCaseRisk;
  /** Avro decimal(18, 2) as a string with exactly two fraction digits, e.g. "125000.00". */
  readonly estimatedAnnualValue: string;
  /** ISO 4217 code; always "EUR" in the simulation. */
  readonly currency: string;
}

export interface SimulatedStakeholderEngaged extends Envelope<'StakeholderEngaged'> {
  readonly kind: EngagementKind;
  readonly audienceSize: number;
}

export interface SimulatedQualityIncidentOpened extends Envelope<'QualityIncidentOpened'> {
  readonly productId: string;
  readonly severity: IncidentSeverity;
}

export interface SimulatedQualityIncidentResolved extends Envelope<'QualityIncidentResolved'> {
  readonly productId: string;
  readonly severity: IncidentSeverity;
}

export interface SimulatedProductUsageReported extends Envelope<'ProductUsageReported'> {
  readonly productId: string;
  /** Inclusive start of the reporting period, ms since the epoch, UTC. */
  readonly periodStart: number;
  /** Exclusive end of the reporting period, ms since the epoch, UTC; `periodStart < periodEnd <= time`. */
  readonly periodEnd: number;
  readonly activeConsumers: number;
  readonly queries: number;
}

/** One simulated domain event, discriminated by `type`. */
export type SimulatedEvent =
  | SimulatedDataProductPublished
  | SimulatedDataProductRetired
  | SimulatedConsumerOnboarded
  | SimulatedConsumerOffboarded
  | SimulatedChampionGained
  | SimulatedChampionLost
  | SimulatedUseCaseDelivered
  | SimulatedStakeholderEngaged
  | SimulatedQualityIncidentOpened
  | SimulatedQualityIncidentResolved
  | SimulatedProductUsageReported;

/** The event of one type, e.g. `SimulatedEventOf<'ChampionLost'>`. */
export type SimulatedEventOf<T extends SimulatedEventType> = Extract<SimulatedEvent, { type: T }>;

/**
 * Event types that build momentum (a positive momentum contribution in the default scoring weights):
 * the ones a stalled domain stops producing.
 */
export const MOMENTUM_BUILDING_TYPES: readonly SimulatedEventType[] = [
  'DataProductPublished',
  'ConsumerOnboarded',
  'ChampionGained',
  'UseCaseDelivered',
  'StakeholderEngaged',
];
