import { describe, expect, it } from 'vitest';
import { EventValidationError, type FieldIssue } from '@mesh-momentum/common';
import { EVENT_TYPES, type EventType } from '../generated/event-types.ts';
import { EXAMPLE_EVENTS } from './examples.ts';
import { EVENT_SPECS } from './fields.ts';
import {
  EARLIEST_EVENT_TIME,
  EARLIEST_EVENT_TIME_MS,
  MAX_IDENTIFIER_BYTES,
  MAX_SOURCE_BYTES,
  MAX_STRING_BYTES,
  MAX_TEXT_BYTES,
  STRING_FIELD_MAX_BYTES,
} from './limits.ts';
import { validateEvent } from './validate-event.ts';

const NOW = Date.UTC(2025, 2, 1, 12, 0);
const OPTIONS = { nowMs: NOW, maxFutureSkewMs: 5 * 60_000 };

function issuesOf(type: EventType, patch: Record<string, unknown>): FieldIssue[] {
  try {
    validateEvent({ ...EXAMPLE_EVENTS[type], ...patch }, OPTIONS);
  } catch (error) {
    if (error instanceof EventValidationError) return [...error.issues];
    throw error;
  }
  return [];
}

describe('accepted event-time range', () => {
  it('starts at 2000-01-01T00:00:00Z', () => {
    expect(EARLIEST_EVENT_TIME_MS).toBe(946_684_800_000);
    expect(EARLIEST_EVENT_TIME).toBe('2000-01-01T00:00:00Z');
  });

  // The inputs of issue 8: each crashed the processor for good once it reached the topic.
  it.each([0, -1000, '1970-01-01T00:00:00Z', '1984-01-01T00:00:00Z', EARLIEST_EVENT_TIME_MS - 1])(
    'refuses time %s with MM_ERR_EVENT_INVALID naming time and the reason',
    (time) => {
      let error: unknown;
      try {
        validateEvent({ ...EXAMPLE_EVENTS.ChampionGained, time }, OPTIONS);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(EventValidationError);
      expect(error).toMatchObject({ code: 'MM_ERR_EVENT_INVALID', field: 'time' });
      expect((error as EventValidationError).issues[0]?.reason).toMatch(
        /^must not be before 2000-01-01T00:00:00Z \(got .*\)/,
      );
    },
  );

  it('accepts the earliest time itself, and applies the floor to every timestamp field', () => {
    expect(validateEvent({ ...EXAMPLE_EVENTS.ChampionGained, time: EARLIEST_EVENT_TIME }, OPTIONS).time).toBe(
      EARLIEST_EVENT_TIME_MS,
    );
    const fields = issuesOf('ProductUsageReported', { periodStart: 0, periodEnd: 1 }).map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['periodStart', 'periodEnd']));
  });

  it('lets the processor judge the range itself (earliestTimeMs), to dead-letter with a reason of its own', () => {
    const old = { ...EXAMPLE_EVENTS.ChampionGained, time: 0 };
    expect(validateEvent(old, { ...OPTIONS, earliestTimeMs: Number.NEGATIVE_INFINITY }).time).toBe(0);
  });
});

describe('string limits', () => {
  it('refuses a 10,000-character domain and product id, naming each field and the limit', () => {
    const long = 'x'.repeat(10_000);
    expect(issuesOf('DataProductPublished', { domain: long, productId: long, subject: long })).toEqual([
      { field: 'subject', reason: `must be at most ${MAX_IDENTIFIER_BYTES} bytes of UTF-8 (got 10000)` },
      { field: 'domain', reason: `must be at most ${MAX_IDENTIFIER_BYTES} bytes of UTF-8 (got 10000)` },
      { field: 'productId', reason: `must be at most ${MAX_IDENTIFIER_BYTES} bytes of UTF-8 (got 10000)` },
    ]);
  });

  it('counts bytes of UTF-8, not characters, and accepts exactly the limit', () => {
    expect(issuesOf('ChampionGained', { domain: 'd'.repeat(MAX_IDENTIFIER_BYTES) })).toEqual([]);
    // 'é' is two bytes: 129 of them are 258 bytes.
    expect(issuesOf('ChampionGained', { domain: 'é'.repeat(129) })).toEqual([
      { field: 'domain', reason: `must be at most ${MAX_IDENTIFIER_BYTES} bytes of UTF-8 (got 258)` },
    ]);
  });

  it('bounds each productIds item, source and free text', () => {
    const uc = EXAMPLE_EVENTS.UseCaseDelivered;
    const issues = issuesOf('UseCaseDelivered', {
      productIds: [...uc.productIds, 'p'.repeat(MAX_IDENTIFIER_BYTES + 1)],
      source: `urn:${'s'.repeat(MAX_SOURCE_BYTES)}`,
    });
    expect(issues.map((i) => i.field)).toEqual(['source', `productIds.${uc.productIds.length}`]);
    expect(issuesOf('DataProductRetired', { reason: 'r'.repeat(MAX_TEXT_BYTES) })).toEqual([]);
    expect(issuesOf('DataProductRetired', { reason: 'r'.repeat(MAX_TEXT_BYTES + 1) })[0]?.field).toBe(
      'reason',
    );
  });

  it('gives every string field of the catalogue a limit, a default one when it has none of its own', () => {
    for (const type of EVENT_TYPES) {
      for (const field of EVENT_SPECS.get(type)?.fields ?? []) {
        const limit = STRING_FIELD_MAX_BYTES[field.name] ?? MAX_STRING_BYTES;
        expect(limit, `${type}.${field.name}`).toBeLessThanOrEqual(MAX_TEXT_BYTES);
      }
    }
  });
});

describe('text that is not valid Unicode', () => {
  it('refuses a lone surrogate, which Avro would silently replace', () => {
    expect(issuesOf('ChampionGained', { personId: 'p-\uD800x' })).toEqual([
      { field: 'personId', reason: 'must be well-formed Unicode (it contains a lone UTF-16 surrogate)' },
    ]);
    // A proper pair (an emoji) is fine.
    expect(issuesOf('DataProductRetired', { reason: 'gone 🚀' })).toEqual([]);
  });

  it('refuses U+FFFD, the trace of bytes a decoder could not read as UTF-8', () => {
    const decoded = new TextDecoder().decode(Buffer.from([0x70, 0x61, 0x79, 0xff]));
    expect(issuesOf('ChampionGained', { domain: decoded, subject: undefined })).toContainEqual({
      field: 'domain',
      reason: 'contains U+FFFD, the mark of bytes that were not valid UTF-8; send the text as valid UTF-8',
    });
  });
});
