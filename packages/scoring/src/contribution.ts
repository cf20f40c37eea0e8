import type { ScoringConfig } from './config.ts';
import { productIdsOf, type ScoringEvent } from './events.ts';

/** The weight w_e of one event on each metric, in metric points, before decay. */
export interface Contribution {
  readonly momentum: number;
  readonly value: number;
}

export const METRICS = ['momentum', 'value'] as const;
export type Metric = (typeof METRICS)[number];

/** A scope scores are kept for: one data product, one domain, or the whole mesh. */
export type Scope =
  | { readonly kind: 'product'; readonly id: string }
  | { readonly kind: 'domain'; readonly id: string }
  | { readonly kind: 'mesh' };

/**
 * `1 + log10(1 + x)`-style concave growth: 0 at 0, +1 per factor of ten. Negative inputs (invalid
 * upstream) are clamped to 0 so a bad amount can never turn a positive weight negative.
 */
function decades(x: number): number {
  return Math.log10(1 + Math.max(0, x));
}

/**
 * The weights w_e an event contributes to momentum and value (docs/scoring.md, "Weights"). Pure: depends
 * only on the event's type-specific fields and the config, never on its time.
 */
export function contributionOf(event: ScoringEvent, config: ScoringConfig): Contribution {
  const w = config.weights;
  switch (event.type) {
    case 'DataProductPublished':
      return {
        momentum: w.DataProductPublished.momentumByTier[event.tier],
        value: w.DataProductPublished.valueByTier[event.tier],
      };
    case 'DataProductRetired':
      return { momentum: w.DataProductRetired.momentum, value: w.DataProductRetired.value };
    case 'ConsumerOnboarded':
      return { momentum: w.ConsumerOnboarded.momentum, value: w.ConsumerOnboarded.value };
    case 'ConsumerOffboarded':
      return { momentum: w.ConsumerOffboarded.momentum, value: w.ConsumerOffboarded.value };
    case 'ChampionGained':
      return {
        momentum: w.ChampionGained.momentumByRole[event.role],
        value: w.ChampionGained.valueByRole[event.role],
      };
    case 'ChampionLost':
      return {
        momentum: w.ChampionLost.momentumByRole[event.role],
        value: w.ChampionLost.valueByRole[event.role],
      };
    case 'UseCaseDelivered': {
      const u = w.UseCaseDelivered;
      const amount = event.estimatedAnnualValue * (u.currencyRates[event.currency] ?? 1);
      return {
        momentum: u.momentum * u.momentumRiskMultiplier[event.risk],
        value: u.valueBase + u.valuePerDecade * decades(amount / u.valueUnit),
      };
    }
    case 'StakeholderEngaged': {
      const s = w.StakeholderEngaged;
      const audience = 1 + decades(event.audienceSize / s.audienceUnit);
      return {
        momentum: s.momentumByKind[event.kind] * audience,
        value: s.valueByKind[event.kind] * audience,
      };
    }
    case 'QualityIncidentOpened':
      return {
        momentum: w.QualityIncidentOpened.momentumBySeverity[event.severity],
        value: w.QualityIncidentOpened.valueBySeverity[event.severity],
      };
    case 'QualityIncidentResolved':
      return {
        momentum: w.QualityIncidentResolved.momentumBySeverity[event.severity],
        value: w.QualityIncidentResolved.valueBySeverity[event.severity],
      };
    case 'DataProductDiscovered':
      // Existence, not an occurrence: its time is when a tool was read, so it must never move a score.
      return { momentum: 0, value: 0 };
    case 'ProductUsageReported': {
      const p = w.ProductUsageReported;
      return {
        momentum: p.momentum,
        value:
          p.valuePerConsumerDecade * decades(event.activeConsumers) +
          p.valuePerQueryDecade * decades(event.queries / p.queriesUnit),
      };
    }
  }
}

/**
 * The scopes an event counts in: each of its products, its domain and the mesh. Product scopes come
 * first, in the order of `productIdsOf` (de-duplicated).
 */
export function scopesOf(event: ScoringEvent): Scope[] {
  return [
    ...productIdsOf(event).map((id): Scope => ({ kind: 'product', id })),
    { kind: 'domain', id: event.domain },
    { kind: 'mesh' },
  ];
}

/** Whether an event belongs to a scope (the inverse of `scopesOf`). */
export function eventInScope(event: ScoringEvent, scope: Scope): boolean {
  switch (scope.kind) {
    case 'mesh':
      return true;
    case 'domain':
      return event.domain === scope.id;
    case 'product':
      return productIdsOf(event).includes(scope.id);
  }
}
