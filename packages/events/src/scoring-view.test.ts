import { describe, expect, it } from 'vitest';
import * as events from './index.ts';
import * as scoring from '@mesh-momentum/scoring';
import { toScoringEvent } from './scoring-view.ts';

/**
 * packages/scoring is pure and depends on nothing, so it names the event types and enum symbols itself;
 * these tests are what keeps its copy equal to the catalogue (schemas/events, generated types).
 */
describe('scoring view of the event catalogue', () => {
  it('knows exactly the catalogue event types and enum symbols', () => {
    expect([...scoring.EVENT_TYPES].sort()).toEqual([...events.EVENT_TYPES].sort());
    expect(scoring.CHAMPION_ROLES).toEqual(events.CHAMPION_ROLES);
    expect(scoring.PRODUCT_TIERS).toEqual(events.DATA_PRODUCT_TIERS);
    expect(scoring.USE_CASE_RISKS).toEqual(events.USE_CASE_RISKS);
    expect(scoring.ENGAGEMENT_KINDS).toEqual(events.ENGAGEMENT_KINDS);
    expect(scoring.INCIDENT_SEVERITIES).toEqual(events.INCIDENT_SEVERITIES);
  });

  it('maps the wire shape: time to timeMs, money to a number, usage periods to ms', () => {
    const now = Date.parse('2026-11-01T00:00:00Z');
    const useCase = events.validateEvent(
      {
        id: 'u1',
        source: 'urn:test',
        type: 'UseCaseDelivered',
        time: now,
        subject: 'uc',
        domain: 'payments',
        useCaseId: 'uc',
        productIds: ['p.a'],
        risk: 'low',
        estimatedAnnualValue: '125000.50',
        currency: 'EUR',
      },
      { nowMs: now, maxFutureSkewMs: 0 },
    );
    expect(toScoringEvent(useCase)).toEqual({
      id: 'u1',
      source: 'urn:test',
      type: 'UseCaseDelivered',
      timeMs: now,
      domain: 'payments',
      useCaseId: 'uc',
      productIds: ['p.a'],
      risk: 'low',
      estimatedAnnualValue: 125000.5,
      currency: 'EUR',
    });
    const usage = events.validateEvent(
      {
        id: 'r1',
        source: 'urn:test',
        type: 'ProductUsageReported',
        time: now,
        subject: 'p.a',
        domain: 'payments',
        productId: 'p.a',
        periodStart: now - 7 * 86_400_000,
        periodEnd: now,
        activeConsumers: 3,
        queries: 400,
      },
      { nowMs: now, maxFutureSkewMs: 0 },
    );
    expect(toScoringEvent(usage)).toMatchObject({
      timeMs: now,
      periodStartMs: now - 7 * 86_400_000,
      periodEndMs: now,
      activeConsumers: 3,
    });
    expect(toScoringEvent(usage)).not.toHaveProperty('periodStart');
    expect(toScoringEvent(usage)).not.toHaveProperty('subject');
  });
});
