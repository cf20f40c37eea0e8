/**
 * The scoring package's own, minimal view of a domain event: the envelope fields scoring needs plus
 * the type-specific fields that drive weights, standing support and scopes. Field names follow the Avro
 * schemas in `schemas/events/`; `time` becomes `timeMs` (milliseconds since the Unix epoch, UTC).
 * Mapping decoded Avro records onto these types happens outside this package.
 */

/** Every event type of the v1 catalogue, as constants (the Avro record names). */
export const EVENT_TYPES = [
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
  'DataProductDiscovered',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const PRODUCT_TIERS = ['experimental', 'standard', 'critical'] as const;
export type ProductTier = (typeof PRODUCT_TIERS)[number];

export const CHAMPION_ROLES = ['champion', 'sponsor', 'executive_sponsor'] as const;
export type ChampionRole = (typeof CHAMPION_ROLES)[number];

export const USE_CASE_RISKS = ['low', 'moderate', 'high'] as const;
export type UseCaseRisk = (typeof USE_CASE_RISKS)[number];

export const ENGAGEMENT_KINDS = ['demo', 'workshop', 'training', 'announcement'] as const;
export type EngagementKind = (typeof ENGAGEMENT_KINDS)[number];

export const INCIDENT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

/** Envelope fields shared by every event. `(source, id)` identifies an event for de-duplication. */
interface EventEnvelope {
  readonly id: string;
  readonly source: string;
  /** Event time in milliseconds since the Unix epoch (UTC): when the occurrence happened. */
  readonly timeMs: number;
  readonly domain: string;
}

export interface DataProductPublishedEvent extends EventEnvelope {
  readonly type: 'DataProductPublished';
  readonly productId: string;
  readonly tier: ProductTier;
  /** The team owning the product as of this publication; the latest publication's team is the owner. */
  readonly ownerTeam: string;
}

/**
 * A product that already exists in a tool, found there (a catalog's first read, an import). Weight 0 on
 * both metrics, always (not a config key): it makes the product known with its owner and domain and
 * never moves a score (docs/scoring.md, "Existing products").
 */
export interface DataProductDiscoveredEvent extends EventEnvelope {
  readonly type: 'DataProductDiscovered';
  readonly productId: string;
  /** The owning team according to the tool; competes with publications for the product's owner. */
  readonly ownerTeam: string;
}

export interface DataProductRetiredEvent extends EventEnvelope {
  readonly type: 'DataProductRetired';
  readonly productId: string;
}

export interface ConsumerOnboardedEvent extends EventEnvelope {
  readonly type: 'ConsumerOnboarded';
  readonly productId: string;
  readonly consumerTeam: string;
}

export interface ConsumerOffboardedEvent extends EventEnvelope {
  readonly type: 'ConsumerOffboarded';
  readonly productId: string;
  readonly consumerTeam: string;
}

export interface ChampionGainedEvent extends EventEnvelope {
  readonly type: 'ChampionGained';
  readonly personId: string;
  readonly role: ChampionRole;
}

export interface ChampionLostEvent extends EventEnvelope {
  readonly type: 'ChampionLost';
  readonly personId: string;
  readonly role: ChampionRole;
}

export interface UseCaseDeliveredEvent extends EventEnvelope {
  readonly type: 'UseCaseDelivered';
  readonly useCaseId: string;
  /** Products the use case is built on; each one is a scope the event touches. */
  readonly productIds: readonly string[];
  readonly risk: UseCaseRisk;
  /** Estimated annual value in major units of `currency` (125000.00 → 125000), >= 0. */
  readonly estimatedAnnualValue: number;
  /** ISO 4217 code; only used to look up `UseCaseDelivered.currencyRates` in the config. */
  readonly currency: string;
}

export interface StakeholderEngagedEvent extends EventEnvelope {
  readonly type: 'StakeholderEngaged';
  readonly kind: EngagementKind;
  /** People reached, >= 0. */
  readonly audienceSize: number;
}

export interface QualityIncidentOpenedEvent extends EventEnvelope {
  readonly type: 'QualityIncidentOpened';
  readonly productId: string;
  readonly severity: IncidentSeverity;
}

export interface QualityIncidentResolvedEvent extends EventEnvelope {
  readonly type: 'QualityIncidentResolved';
  readonly productId: string;
  readonly severity: IncidentSeverity;
}

export interface ProductUsageReportedEvent extends EventEnvelope {
  readonly type: 'ProductUsageReported';
  readonly productId: string;
  /** Distinct consumers during the period, >= 0. */
  readonly activeConsumers: number;
  /** Queries served during the period, >= 0. */
  readonly queries: number;
  readonly periodStartMs: number;
  readonly periodEndMs: number;
}

/** One domain event as scoring sees it; discriminated by `type`. */
export type ScoringEvent =
  | DataProductPublishedEvent
  | DataProductRetiredEvent
  | ConsumerOnboardedEvent
  | ConsumerOffboardedEvent
  | ChampionGainedEvent
  | ChampionLostEvent
  | UseCaseDeliveredEvent
  | StakeholderEngagedEvent
  | QualityIncidentOpenedEvent
  | QualityIncidentResolvedEvent
  | ProductUsageReportedEvent
  | DataProductDiscoveredEvent;

/** The de-duplication key of an event: `(source, id)`, joined so it can live in a Set. */
export function eventKey(event: Pick<ScoringEvent, 'source' | 'id'>): string {
  // JSON keeps the pair unambiguous whatever characters source and id contain.
  return JSON.stringify([event.source, event.id]);
}

/** The data products an event is about: none for champion and stakeholder events. */
export function productIdsOf(event: ScoringEvent): readonly string[] {
  switch (event.type) {
    case 'ChampionGained':
    case 'ChampionLost':
    case 'StakeholderEngaged':
      return [];
    case 'UseCaseDelivered':
      // The schema forbids duplicates; de-duplicate anyway so a product never counts an event twice.
      return [...new Set(event.productIds)];
    default:
      return [event.productId];
  }
}
