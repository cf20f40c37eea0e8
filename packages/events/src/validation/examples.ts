import type { EventOfType, EventType } from '../generated/event-types.ts';

/**
 * One valid event of every type, in canonical form (what `validateEvent` returns). For documentation
 * and tests across the workspace; typed against the generated interfaces, so a schema change that
 * breaks them fails the type check.
 */

const T0 = Date.UTC(2025, 2, 1, 9, 30); // 2025-03-01T09:30:00Z
const envelope = { source: 'urn:meshmomentum:examples', time: T0, domain: 'payments' } as const;

export const EXAMPLE_EVENTS: { readonly [T in EventType]: EventOfType<T> } = {
  ChampionGained: {
    ...envelope,
    id: 'ex-champion-gained',
    type: 'ChampionGained',
    subject: 'p-7f3a9c',
    personId: 'p-7f3a9c',
    role: 'sponsor',
  },
  ChampionLost: {
    ...envelope,
    id: 'ex-champion-lost',
    type: 'ChampionLost',
    subject: 'p-7f3a9c',
    personId: 'p-7f3a9c',
    role: 'sponsor',
  },
  ConsumerOffboarded: {
    ...envelope,
    id: 'ex-consumer-offboarded',
    type: 'ConsumerOffboarded',
    subject: 'orders',
    productId: 'orders',
    consumerTeam: 'risk-analytics',
    reason: 'migrated to orders-v2',
  },
  ConsumerOnboarded: {
    ...envelope,
    id: 'ex-consumer-onboarded',
    type: 'ConsumerOnboarded',
    subject: 'orders',
    productId: 'orders',
    consumerTeam: 'risk-analytics',
    useCaseId: 'fraud-scoring',
  },
  DataProductPublished: {
    ...envelope,
    id: 'ex-data-product-published',
    type: 'DataProductPublished',
    subject: 'orders',
    productId: 'orders',
    name: 'Orders (daily)',
    version: '2.1.0',
    ownerTeam: 'payments-data',
    tier: 'standard',
  },
  DataProductDiscovered: {
    ...envelope,
    id: 'ex-data-product-discovered',
    type: 'DataProductDiscovered',
    subject: 'orders',
    productId: 'orders',
    name: 'Orders (daily)',
    ownerTeam: 'payments-data',
  },
  DataProductRetired: {
    ...envelope,
    id: 'ex-data-product-retired',
    type: 'DataProductRetired',
    subject: 'orders',
    productId: 'orders',
    reason: 'superseded by orders-v2',
  },
  ProductUsageReported: {
    ...envelope,
    id: 'ex-product-usage-reported',
    type: 'ProductUsageReported',
    subject: 'orders',
    productId: 'orders',
    periodStart: T0 - 7 * 86_400_000,
    periodEnd: T0,
    activeConsumers: 12,
    queries: 48_213,
  },
  QualityIncidentOpened: {
    ...envelope,
    id: 'ex-quality-incident-opened',
    type: 'QualityIncidentOpened',
    subject: 'orders',
    productId: 'orders',
    severity: 'high',
  },
  QualityIncidentResolved: {
    ...envelope,
    id: 'ex-quality-incident-resolved',
    type: 'QualityIncidentResolved',
    subject: 'orders',
    productId: 'orders',
    severity: 'high',
  },
  StakeholderEngaged: {
    ...envelope,
    id: 'ex-stakeholder-engaged',
    type: 'StakeholderEngaged',
    subject: 'payments',
    kind: 'demo',
    audienceSize: 40,
  },
  UseCaseDelivered: {
    ...envelope,
    id: 'ex-use-case-delivered',
    type: 'UseCaseDelivered',
    subject: 'fraud-scoring',
    useCaseId: 'fraud-scoring',
    productIds: ['orders', 'payments-ledger'],
    risk: 'moderate',
    estimatedAnnualValue: '125000.00',
    currency: 'EUR',
  },
};
