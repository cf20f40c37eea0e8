import { describe, expect, it } from 'vitest';
import { fromStructuredCloudEvent, mediaType, parseNdjson } from './bodies.ts';

describe('request bodies', () => {
  it('flattens a structured CloudEvent: envelope from attributes, fields from data', () => {
    expect(
      fromStructuredCloudEvent({
        specversion: '1.0',
        id: 'e-1',
        source: 'https://ci.example',
        type: 'ChampionGained',
        time: '2026-11-01T10:00:00Z',
        datacontenttype: 'application/json',
        data: { domain: 'payments', personId: 'p-1', role: 'champion', id: 'ignored-inner-id' },
      }),
    ).toEqual({
      id: 'e-1',
      source: 'https://ci.example',
      type: 'ChampionGained',
      time: '2026-11-01T10:00:00Z',
      domain: 'payments',
      personId: 'p-1',
      role: 'champion',
    });
  });

  it.each([
    [{ specversion: '0.3', type: 'T', data: {} }, 'specversion'],
    [{ specversion: '1.0', type: 'T' }, 'data'],
    [{ specversion: '1.0', type: 'T', data: [] }, 'data'],
    [{ specversion: '1.0', type: 'T', data: {}, datacontenttype: 'application/avro' }, 'datacontenttype'],
  ])('refuses a CloudEvent with a bad %# naming %s', (body, field) => {
    expect(() => fromStructuredCloudEvent(body, '[2]')).toThrow(
      expect.objectContaining({ code: 'MM_ERR_INGEST_BODY_INVALID', field: `[2].${field}` }),
    );
  });

  it('reads NDJSON, skipping blank lines, and names a bad line by its number', () => {
    expect(parseNdjson('{"a":1}\n\n{"b":2}\r\n')).toEqual([{ a: 1 }, { b: 2 }]);
    expect(() => parseNdjson('{"a":1}\n{oops\n')).toThrow(expect.objectContaining({ field: 'line 2' }));
  });

  it('reads the media type without parameters', () => {
    expect(mediaType('Application/JSON; charset=utf-8')).toBe('application/json');
    expect(mediaType(undefined)).toBe('');
  });
});
