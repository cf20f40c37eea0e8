import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatUnscaled } from '../codec/decimal.ts';
import { EVENT_TYPES, SUBJECT_FIELDS, type EventType } from '../generated/event-types.ts';
import { EVENT_SPECS, type FieldKind } from './fields.ts';
import { EARLIEST_EVENT_TIME_MS } from './limits.ts';
import { validateEvent } from './validate-event.ts';

/**
 * Arbitrary valid events of every type, derived from the catalogue specs: the Avro kind of each field
 * decides the generator, and a few field names get the shape their rules demand (non-empty
 * identifiers, currency codes, non-negative counts and amounts).
 */
const NOW = Date.UTC(2030, 0, 1);
// Identifiers may hold any character but braces and whitespace (domains and product ids go into Redis keys).
const identifier = fc.string({ minLength: 1, maxLength: 24 }).filter((s) => /^[^{}\s]+$/.test(s));

const BY_NAME: Readonly<Record<string, fc.Arbitrary<unknown>>> = {
  personId: fc.stringMatching(/^[a-z0-9][a-z0-9_.:-]{0,30}$/),
  currency: fc.stringMatching(/^[A-Z]{3}$/),
  reason: fc.string({ maxLength: 40 }),
  productIds: fc.uniqueArray(identifier, { minLength: 1, maxLength: 5 }),
  audienceSize: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  activeConsumers: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  queries: fc.integer({ min: 0, max: 9_007_199_254_740_990 }),
  estimatedAnnualValue: fc.bigInt({ min: 0n, max: 10n ** 18n - 1n }).map((v) => formatUnscaled(v, 2)),
  time: fc.integer({ min: EARLIEST_EVENT_TIME_MS, max: NOW }),
};

function arbitraryOf(kind: FieldKind): fc.Arbitrary<unknown> {
  switch (kind.kind) {
    case 'string':
      return identifier;
    case 'int':
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case 'long':
      return fc.integer({ min: -9_007_199_254_740_990, max: 9_007_199_254_740_990 });
    case 'boolean':
      return fc.boolean();
    case 'double':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'timestamp':
      return fc.integer({ min: EARLIEST_EVENT_TIME_MS, max: 4_102_444_800_000 });
    case 'decimal':
      return fc
        .bigInt({ min: 0n, max: 10n ** BigInt(kind.precision) - 1n })
        .map((v) => formatUnscaled(v, kind.scale));
    case 'enum':
      return fc.constantFrom(...kind.symbols);
    case 'array':
      return fc.array(arbitraryOf(kind.items), { maxLength: 5 });
    case 'nullable':
      return fc.option(arbitraryOf(kind.inner), { nil: null });
  }
}

function arbitraryEvent(type: EventType): fc.Arbitrary<Record<string, unknown>> {
  const spec = EVENT_SPECS.get(type);
  if (!spec) throw new Error(type);
  const fields = Object.fromEntries(
    spec.fields.map((f) => [
      f.name,
      f.name === 'type' ? fc.constant(type) : (BY_NAME[f.name] ?? arbitraryOf(f.type)),
    ]),
  );
  return fc.record(fields).map((event) => {
    // Cross-field rules: subject mirrors the entity, a usage period is non-empty.
    const e: Record<string, unknown> = { ...event, subject: event[SUBJECT_FIELDS[type]] };
    if (typeof e['periodStart'] === 'number' && typeof e['periodEnd'] === 'number') {
      const [a, b] = [e['periodStart'], e['periodEnd']].sort((x, y) => x - y) as [number, number];
      Object.assign(e, { periodStart: a, periodEnd: a === b ? b + 1 : b });
    }
    return e;
  });
}

describe('arbitrary valid events', () => {
  it.each(EVENT_TYPES)('%s: validate unchanged and survive Avro toBuffer → fromBuffer', (type) => {
    const avroType = EVENT_SPECS.get(type)?.entry.avroType;
    if (!avroType) throw new Error(type);
    fc.assert(
      fc.property(arbitraryEvent(type), (event) => {
        const valid = validateEvent(event, { nowMs: NOW, maxFutureSkewMs: 0 });
        expect(valid).toEqual(event);
        expect({ ...(avroType.fromBuffer(avroType.toBuffer(valid)) as object) }).toEqual(event);
      }),
      { numRuns: 200 },
    );
  });
});
