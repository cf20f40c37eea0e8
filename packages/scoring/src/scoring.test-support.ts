import fc from 'fast-check';
import { expect } from 'vitest';
import {
  CHAMPION_ROLES,
  ENGAGEMENT_KINDS,
  INCIDENT_SEVERITIES,
  PRODUCT_TIERS,
  USE_CASE_RISKS,
  type ScoringEvent,
} from './events.ts';
import { DAY_MS } from './time.ts';

/** Test helpers shared by the scoring tests (excluded from the build). */

export const T_2025 = Date.UTC(2025, 0, 1);
export const HOUR_MS = 3_600_000;

let counter = 0;
type Envelope = { id?: string; source?: string; timeMs: number; domain?: string };
type Without<T> = T extends unknown ? Omit<T, 'id' | 'source' | 'timeMs' | 'domain'> : never;

/** Builds an event with a fresh id unless one is given. */
export function ev(envelope: Envelope, body: Without<ScoringEvent>): ScoringEvent {
  counter += 1;
  return {
    id: envelope.id ?? `e${counter}`,
    source: envelope.source ?? 'urn:test',
    timeMs: envelope.timeMs,
    domain: envelope.domain ?? 'payments',
    ...body,
  } as ScoringEvent;
}

const DOMAINS = ['payments', 'sales'] as const;
const PRODUCTS = ['orders', 'invoices', 'leads'] as const;
const PEOPLE = ['p1', 'p2'] as const;
const TEAMS = ['t1', 't2'] as const;
const SOURCES = ['urn:a', 'urn:b'] as const;

/** Two years of event times starting 2025-01-01, millisecond resolution. */
export const START_MS = T_2025;
export const END_MS = T_2025 + 730 * DAY_MS;

const envelopeArb = fc.record({
  id: fc.string({ minLength: 1, maxLength: 6 }),
  source: fc.constantFrom(...SOURCES),
  timeMs: fc.integer({ min: START_MS, max: END_MS }),
  domain: fc.constantFrom(...DOMAINS),
});
const product = fc.constantFrom(...PRODUCTS);

const bodyArb: fc.Arbitrary<Without<ScoringEvent>> = fc.oneof(
  fc.record({
    type: fc.constant('DataProductPublished' as const),
    productId: product,
    tier: fc.constantFrom(...PRODUCT_TIERS),
    // Few teams, so later publications of a product often change its owner.
    ownerTeam: fc.constantFrom('team-a', 'team-b', 'team-c'),
  }),
  fc.record({ type: fc.constant('DataProductRetired' as const), productId: product }),
  fc.record({
    type: fc.constant('DataProductDiscovered' as const),
    productId: product,
    ownerTeam: fc.constantFrom('team-a', 'team-b', 'team-c'),
  }),
  fc.record({
    type: fc.constantFrom('ConsumerOnboarded' as const, 'ConsumerOffboarded' as const),
    productId: product,
    consumerTeam: fc.constantFrom(...TEAMS),
  }),
  fc.record({
    type: fc.constantFrom('ChampionGained' as const, 'ChampionLost' as const),
    personId: fc.constantFrom(...PEOPLE),
    role: fc.constantFrom(...CHAMPION_ROLES),
  }),
  fc.record({
    type: fc.constant('UseCaseDelivered' as const),
    useCaseId: fc.constant('uc'),
    productIds: fc.uniqueArray(product, { minLength: 1, maxLength: 3 }),
    risk: fc.constantFrom(...USE_CASE_RISKS),
    estimatedAnnualValue: fc.integer({ min: 0, max: 10_000_000_00 }).map((cents) => cents / 100),
    currency: fc.constantFrom('EUR', 'USD'),
  }),
  fc.record({
    type: fc.constant('StakeholderEngaged' as const),
    kind: fc.constantFrom(...ENGAGEMENT_KINDS),
    audienceSize: fc.integer({ min: 0, max: 5_000 }),
  }),
  fc.record({
    type: fc.constantFrom('QualityIncidentOpened' as const, 'QualityIncidentResolved' as const),
    productId: product,
    severity: fc.constantFrom(...INCIDENT_SEVERITIES),
  }),
  fc.record({
    type: fc.constant('ProductUsageReported' as const),
    productId: product,
    activeConsumers: fc.integer({ min: 0, max: 500 }),
    queries: fc.integer({ min: 0, max: 10_000_000 }),
    periodStartMs: fc.constant(0),
    periodEndMs: fc.constant(1),
  }),
);

/** A valid event within the two years; small id, person and team spaces so keys collide often. */
export const eventArb: fc.Arbitrary<ScoringEvent> = fc
  .tuple(envelopeArb, bodyArb)
  .map(([envelope, body]) => ({ ...envelope, ...body }) as ScoringEvent);

/** Events with distinct (source, id). */
export const distinctEventsArb = (maxLength = 40): fc.Arbitrary<ScoringEvent[]> =>
  fc.uniqueArray(eventArb, { maxLength, selector: (e) => `${e.source}\u0000${e.id}` });

/**
 * Deep equality where numbers agree to `rel` relative, with `abs` absolute tolerance near zero. Used to
 * compare results that differ only by floating-point summation order.
 */
export function expectClose(actual: unknown, expected: unknown, rel = 1e-9, abs = 1e-9, path = '$'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const tolerance = Math.max(abs, rel * Math.max(Math.abs(expected), Math.abs(actual)));
    if (!(Math.abs(actual - expected) <= tolerance)) {
      expect.fail(`${path}: ${actual} differs from ${expected} by more than ${tolerance}`);
    }
    return;
  }
  if (typeof expected === 'object' && expected !== null && typeof actual === 'object' && actual !== null) {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const key of keys) {
      expectClose(
        (actual as Record<string, unknown>)[key],
        (expected as Record<string, unknown>)[key],
        rel,
        abs,
        `${path}.${key}`,
      );
    }
    return;
  }
  expect(actual, path).toEqual(expected);
}
