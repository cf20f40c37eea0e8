import { describe, expect, it } from 'vitest';
import { EventValidationError } from '@mesh-momentum/common';
import { EVENT_TYPES } from './generated/event-types.ts';
import { EXAMPLE_EVENTS } from './validation/examples.ts';
import { CE_HEADERS, fromKafkaHeaders, toKafkaMessage } from './headers.ts';

const VALUE = Buffer.from([0, 0, 0, 0, 7, 1, 2, 3]);

describe('toKafkaMessage', () => {
  it('maps the envelope to CloudEvents binary-mode headers, keyed by domain', () => {
    const event = EXAMPLE_EVENTS.UseCaseDelivered;
    expect(toKafkaMessage(event, VALUE)).toEqual({
      key: 'payments',
      value: VALUE,
      headers: {
        ce_specversion: '1.0',
        ce_id: 'ex-use-case-delivered',
        ce_source: 'urn:meshmomentum:examples',
        ce_type: 'UseCaseDelivered',
        ce_time: '2025-03-01T09:30:00.000Z',
        ce_subject: 'fraud-scoring',
        'content-type': 'application/avro',
      },
    });
  });

  it.each(EVENT_TYPES)('round-trips the attributes of %s through fromKafkaHeaders', (type) => {
    const event = EXAMPLE_EVENTS[type];
    const { headers } = toKafkaMessage(event, VALUE);
    // Consumers see Buffers.
    const received = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]));
    expect(fromKafkaHeaders(received)).toEqual({
      specversion: '1.0',
      id: event.id,
      source: event.source,
      type,
      time: event.time,
      subject: event.subject,
      contentType: 'application/avro',
    });
  });
});

describe('fromKafkaHeaders', () => {
  const good = toKafkaMessage(EXAMPLE_EVENTS.ChampionGained, VALUE).headers;

  it('names every missing or malformed header', () => {
    const { ce_id: _id, ...rest } = good;
    try {
      fromKafkaHeaders({ ...rest, ce_specversion: '0.3', ce_time: 'now' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EventValidationError);
      expect((error as EventValidationError).issues.map((i) => i.field)).toEqual([
        CE_HEADERS.id,
        CE_HEADERS.specversion,
        CE_HEADERS.time,
      ]);
    }
    expect(() => fromKafkaHeaders(undefined)).toThrow(EventValidationError);
  });

  it('takes the last value of a repeated header and accepts offsets in ce_time', () => {
    const attrs = fromKafkaHeaders({
      ...good,
      ce_id: ['a', Buffer.from('b')],
      ce_time: '2025-03-01T10:30:00+01:00',
    });
    expect(attrs).toMatchObject({ id: 'b', time: Date.UTC(2025, 2, 1, 9, 30) });
  });
});
