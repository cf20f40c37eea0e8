import { describe, expect, it } from 'vitest';
import {
  ErrorCodes,
  EventValidationError,
  FutureDatedEventError,
  type FieldIssue,
} from '@mesh-momentum/common';
import { EVENT_TYPES, type EventType, type UseCaseDelivered } from '../generated/event-types.ts';
import { EXAMPLE_EVENTS } from './examples.ts';
import { EVENT_SPECS } from './fields.ts';
import { EVENT_RULES, FIELD_RULES } from './rules.ts';
import { isEventType, validateEvent } from './validate-event.ts';

const NOW = Date.UTC(2025, 2, 1, 12, 0);
const OPTIONS = { nowMs: NOW, maxFutureSkewMs: 5 * 60_000 };

function issuesOf(input: unknown): FieldIssue[] {
  try {
    validateEvent(input, OPTIONS);
  } catch (error) {
    if (error instanceof EventValidationError) return [...error.issues];
    throw error;
  }
  throw new Error('expected the event to be invalid');
}

function example(type: EventType, patch: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...EXAMPLE_EVENTS[type], ...patch };
}

function without(type: EventType, field: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(EXAMPLE_EVENTS[type]).filter(([key]) => key !== field));
}

describe('validateEvent, for every event type', () => {
  describe.each(EVENT_TYPES)('%s', (type) => {
    const spec = EVENT_SPECS.get(type);
    if (!spec) throw new Error(`no spec for ${type}`);

    it('accepts the example event unchanged', () => {
      expect(validateEvent(EXAMPLE_EVENTS[type], OPTIONS)).toEqual(EXAMPLE_EVENTS[type]);
    });

    it.each(spec.fields.filter((f) => !f.hasDefault).map((f) => f.name))(
      'names missing field %s',
      (field) => {
        const issues = issuesOf(without(type, field));
        if (field === 'type')
          expect(issues).toEqual([{ field: 'type', reason: expect.stringContaining('required') }]);
        else expect(issues).toContainEqual({ field, reason: 'is required' });
      },
    );

    it('rejects a wrong type in every field (and names them all at once)', () => {
      const patch = Object.fromEntries(
        spec.fields.filter((f) => f.name !== 'type').map((f) => [f.name, f.type.kind === 'string' ? 42 : {}]),
      );
      const issues = issuesOf(example(type, patch));
      const fields = spec.fields
        .filter((f) => f.name !== 'type' && f.type.kind !== 'nullable')
        .map((f) => f.name);
      expect(issues.map((i) => i.field).sort()).toEqual(expect.arrayContaining(fields.sort()));
    });

    it('rejects an unknown field', () => {
      expect(issuesOf(example(type, { colour: 'blue' }))).toEqual([
        { field: 'colour', reason: `is not a field of ${type}` },
      ]);
    });

    it('rejects an empty id, source and domain', () => {
      const fields = issuesOf(example(type, { id: '', source: ' ', domain: '' })).map((i) => i.field);
      expect(fields).toEqual(expect.arrayContaining(['id', 'source', 'domain']));
    });

    it('accepts time as RFC 3339 text with Z or an offset', () => {
      expect(validateEvent(example(type, { time: '2025-03-01T09:30:00Z' }), OPTIONS).time).toBe(
        Date.UTC(2025, 2, 1, 9, 30),
      );
      expect(validateEvent(example(type, { time: '2025-03-01T10:30:00.250+01:00' }), OPTIONS).time).toBe(
        Date.UTC(2025, 2, 1, 9, 30, 0, 250),
      );
    });

    it('refuses a time beyond the allowed skew with FutureDatedEventError', () => {
      const late = NOW + OPTIONS.maxFutureSkewMs + 1;
      const act = (): unknown => validateEvent(example(type, { time: late }), OPTIONS);
      expect(act).toThrow(FutureDatedEventError);
      expect(act).toThrow(
        expect.objectContaining({ code: ErrorCodes.EVENT_FUTURE_DATED, eventTimeMs: late }),
      );
      // Within the skew is fine.
      expect(validateEvent(example(type, { time: NOW + OPTIONS.maxFutureSkewMs }), OPTIONS).time).toBe(
        NOW + OPTIONS.maxFutureSkewMs,
      );
    });

    it('rejects an enum value outside the symbols', () => {
      const enumField = spec.fields.find((f) => f.type.kind === 'enum');
      if (!enumField) return;
      expect(issuesOf(example(type, { [enumField.name]: 'legendary' }))).toEqual([
        {
          field: enumField.name,
          reason: expect.stringMatching(/^must be one of .* \(got string "legendary"\)$/),
        },
      ]);
    });

    it('requires subject to equal the entity field', () => {
      const issues = issuesOf(example(type, { subject: 'something-else' }));
      expect(issues).toEqual([{ field: 'subject', reason: expect.stringContaining('must equal') }]);
    });
  });
});

describe('validateEvent, general', () => {
  it('rejects unknown or missing types and non-objects', () => {
    expect(issuesOf(example('ChampionGained', { type: 'ChampionWon' }))).toEqual([
      { field: 'type', reason: expect.stringContaining('must be one of ChampionGained') },
    ]);
    expect(issuesOf('ChampionGained')).toEqual([
      { field: '(event)', reason: expect.stringContaining('object') },
    ]);
    expect(issuesOf([])).toEqual([{ field: '(event)', reason: expect.stringContaining('object') }]);
    expect(isEventType('ChampionGained')).toBe(true);
    expect(isEventType('toString')).toBe(false);
  });

  it('throws EventValidationError with the stable code and every issue', () => {
    const input = example('ChampionGained', { role: 'boss', personId: 'jane@example.com', id: '' });
    expect(() => validateEvent(input, OPTIONS)).toThrow(
      expect.objectContaining({ code: ErrorCodes.EVENT_INVALID, eventType: 'ChampionGained' }),
    );
    expect(issuesOf(input).map((i) => i.field)).toEqual(['id', 'personId', 'role', 'subject']);
  });

  it('refuses personIds that look like an e-mail address or a name', () => {
    for (const personId of ['jane.doe@example.com', 'Jane Doe']) {
      const issues = issuesOf(example('ChampionLost', { personId, subject: personId }));
      expect(issues).toEqual([{ field: 'personId', reason: expect.stringContaining('pseudonymous') }]);
    }
  });

  it('checks currency, productIds, counts and value of UseCaseDelivered', () => {
    const issues = issuesOf(
      example('UseCaseDelivered', {
        currency: 'eur',
        productIds: ['orders', '', 'orders', 7],
        estimatedAnnualValue: '-5',
      }),
    );
    // A type problem in an item stops the field's rules; the other fields' rules still speak.
    expect(issues).toEqual([
      { field: 'productIds.3', reason: 'must be a string (got number 7)' },
      { field: 'estimatedAnnualValue', reason: 'must be >= 0' },
      { field: 'currency', reason: expect.stringContaining('ISO 4217') },
    ]);
    expect(
      issuesOf(
        example('UseCaseDelivered', {
          currency: 'eur',
          productIds: ['orders', '', 'orders'],
          estimatedAnnualValue: -5,
        }),
      ),
    ).toEqual([
      { field: 'productIds.1', reason: 'must not be empty' },
      { field: 'productIds.2', reason: 'duplicates item 0 ("orders")' },
      { field: 'estimatedAnnualValue', reason: 'must be >= 0' },
      { field: 'currency', reason: expect.stringContaining('ISO 4217') },
    ]);
    expect(issuesOf(example('UseCaseDelivered', { productIds: [] }))).toEqual([
      { field: 'productIds', reason: 'must contain at least one identifier' },
    ]);
  });

  it('normalises decimals from numbers and strings to two fraction digits', () => {
    const value = (v: unknown): unknown =>
      (validateEvent(example('UseCaseDelivered', { estimatedAnnualValue: v }), OPTIONS) as UseCaseDelivered)
        .estimatedAnnualValue;
    expect(value(125000)).toBe('125000.00');
    expect(value(1234.5)).toBe('1234.50');
    expect(value('0.1')).toBe('0.10');
    expect(value('007.25')).toBe('7.25');
    expect(issuesOf(example('UseCaseDelivered', { estimatedAnnualValue: 1.005 }))).toEqual([
      { field: 'estimatedAnnualValue', reason: 'must have at most 2 fraction digits' },
    ]);
    expect(issuesOf(example('UseCaseDelivered', { estimatedAnnualValue: '1.999' }))).toEqual([
      { field: 'estimatedAnnualValue', reason: 'must have at most 2 fraction digits' },
    ]);
    expect(issuesOf(example('UseCaseDelivered', { estimatedAnnualValue: '1e6' }))[0]?.field).toBe(
      'estimatedAnnualValue',
    );
  });

  it('checks counts and the usage period', () => {
    expect(
      issuesOf(
        example('ProductUsageReported', {
          activeConsumers: -1,
          queries: 1.5,
          periodEnd: EXAMPLE_EVENTS.ProductUsageReported.periodStart,
        }),
      ),
    ).toEqual([
      { field: 'activeConsumers', reason: 'must be >= 0' },
      { field: 'queries', reason: expect.stringContaining('integer') },
      { field: 'periodEnd', reason: expect.stringContaining('after periodStart') },
    ]);
    expect(issuesOf(example('ProductUsageReported', { queries: Number.MAX_SAFE_INTEGER }))).toEqual([
      { field: 'queries', reason: expect.stringContaining('at most') },
    ]);
    expect(issuesOf(example('StakeholderEngaged', { audienceSize: 2 ** 31 }))).toEqual([
      { field: 'audienceSize', reason: expect.stringContaining('32-bit') },
    ]);
    const usage = validateEvent(
      example('ProductUsageReported', {
        periodStart: '2025-02-22T00:00:00Z',
        periodEnd: '2025-03-01T00:00:00Z',
      }),
      OPTIONS,
    );
    expect(usage).toMatchObject({ periodStart: Date.UTC(2025, 1, 22), periodEnd: Date.UTC(2025, 2, 1) });
  });

  it('fills defaulted fields and accepts null for nullable ones', () => {
    expect(validateEvent(without('ConsumerOnboarded', 'useCaseId'), OPTIONS)).toMatchObject({
      useCaseId: null,
    });
    expect(validateEvent(example('ConsumerOnboarded', { useCaseId: null }), OPTIONS)).toMatchObject({
      useCaseId: null,
    });
    expect(issuesOf(example('ConsumerOnboarded', { useCaseId: '' }))).toEqual([
      { field: 'useCaseId', reason: 'must not be empty' },
    ]);
  });

  it('rejects a malformed time', () => {
    for (const time of ['2025-03-01T09:30:00', '2025-02-30T00:00:00Z', 'yesterday', 1.5, null]) {
      expect(issuesOf(example('ChampionGained', { time }))).toEqual([
        { field: 'time', reason: expect.any(String) },
      ]);
    }
  });

  it('has rules only for fields and types that exist', () => {
    const fieldNames = new Set([...EVENT_SPECS.values()].flatMap((s) => [...s.fieldNames]));
    expect(Object.keys(FIELD_RULES).filter((f) => !fieldNames.has(f))).toEqual([]);
    expect(Object.keys(EVENT_RULES).filter((t) => t !== '*' && !EVENT_SPECS.has(t))).toEqual([]);
  });
});

describe('identifiers that become Redis keys', () => {
  it('refuses braces or whitespace in domain, productId and productIds, and more than 100 productIds', async () => {
    const { validateEvent } = await import('./validate-event.ts');
    const { EXAMPLE_EVENTS } = await import('./examples.ts');
    const options = { nowMs: Date.UTC(2030, 0, 1), maxFutureSkewMs: 0 };
    const issuesOf = (input: object) => {
      try {
        validateEvent(input, options);
        return [];
      } catch (error) {
        return (error as { issues: { field: string; reason: string }[] }).issues;
      }
    };
    expect(issuesOf({ ...EXAMPLE_EVENTS.ChampionGained, domain: 'sales team' })).toContainEqual({
      field: 'domain',
      reason: 'must not contain braces or whitespace',
    });
    const published = EXAMPLE_EVENTS.DataProductPublished;
    expect(issuesOf({ ...published, productId: 'a{b}', subject: 'a{b}' }).map((i) => i.field)).toContain(
      'productId',
    );
    const useCase = EXAMPLE_EVENTS.UseCaseDelivered;
    expect(issuesOf({ ...useCase, productIds: ['ok', 'not ok'] }).map((i) => i.field)).toContain(
      'productIds.1',
    );
    const many = Array.from({ length: 101 }, (_, i) => `p${i}`);
    expect(issuesOf({ ...useCase, productIds: many })).toContainEqual({
      field: 'productIds',
      reason: 'must contain at most 100 identifiers',
    });
  });
});
