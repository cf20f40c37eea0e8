import { describe, expect, it } from 'vitest';
import { EXAMPLE_EVENTS } from './validation/examples.ts';
import { validateEvent } from './validation/validate-event.ts';
import { EVENT_TYPES, SUBJECT_FIELDS } from './generated/event-types.ts';
import { withDefaults, type EventInput } from './event-input.ts';

const NOW = Date.UTC(2025, 2, 1, 12, 0);

function strip(type: (typeof EVENT_TYPES)[number]): Record<string, unknown> {
  const { id: _id, time: _time, subject: _subject, ...rest } = EXAMPLE_EVENTS[type];
  return rest;
}

describe('withDefaults', () => {
  it.each(EVENT_TYPES)('fills id, time and subject of %s, and the result validates', (type) => {
    const filled = withDefaults(strip(type), { nowMs: NOW, newId: () => 'id-1' });
    expect(filled).toMatchObject({
      id: 'id-1',
      time: NOW,
      subject: EXAMPLE_EVENTS[type][SUBJECT_FIELDS[type] as never],
    });
    expect(validateEvent(filled, { nowMs: NOW, maxFutureSkewMs: 0 })).toMatchObject({
      id: 'id-1',
      time: NOW,
    });
  });

  it('keeps values that are given', () => {
    const input = { ...EXAMPLE_EVENTS.ChampionGained };
    expect(withDefaults(input, { nowMs: NOW, newId: () => 'other' })).toEqual(input);
  });

  it('makes distinct, time-ordered UUIDv7 ids by default', () => {
    const ids = Array.from(
      { length: 500 },
      (_, i) => withDefaults(strip('ChampionGained'), { nowMs: NOW + i })['id'] as string,
    );
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    // The first 48 bits are the millisecond timestamp.
    expect(parseInt((ids[0] as string).replace(/-/g, '').slice(0, 12), 16)).toBe(NOW);
    const sameMs = Array.from({ length: 100 }, () => withDefaults({}, { nowMs: NOW })['id']);
    expect(new Set(sameMs).size).toBe(100);
  });

  it('leaves subject alone for an unknown type (validation reports it)', () => {
    expect(withDefaults({ type: 'Nope', productId: 'x' }, { nowMs: NOW })).not.toHaveProperty('subject');
  });

  it('types producer input loosely: optional envelope, time as text, decimal as number', () => {
    const input: EventInput = {
      type: 'UseCaseDelivered',
      source: 'urn:test',
      domain: 'payments',
      time: '2025-03-01T09:30:00Z',
      useCaseId: 'uc',
      productIds: ['orders'],
      risk: 'low',
      estimatedAnnualValue: 1000,
      currency: 'EUR',
    };
    const onboarded: EventInput = {
      type: 'ConsumerOnboarded',
      source: 'urn:test',
      domain: 'payments',
      productId: 'orders',
      consumerTeam: 'risk',
    };
    for (const i of [input, onboarded]) {
      expect(() =>
        validateEvent(withDefaults(i, { nowMs: NOW }), { nowMs: NOW, maxFutureSkewMs: 0 }),
      ).not.toThrow();
    }
  });
});
