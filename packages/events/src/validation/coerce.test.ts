import { describe, expect, it } from 'vitest';
import { coerceDecimal, coerceTimestamp, formatRfc3339, parseRfc3339 } from './coerce.ts';

describe('parseRfc3339', () => {
  it.each([
    ['2025-03-01T09:30:00Z', Date.UTC(2025, 2, 1, 9, 30)],
    ['2025-03-01t09:30:00z', Date.UTC(2025, 2, 1, 9, 30)],
    ['2025-03-01 09:30:00Z', Date.UTC(2025, 2, 1, 9, 30)],
    ['2025-03-01T09:30:00.5Z', Date.UTC(2025, 2, 1, 9, 30, 0, 500)],
    ['2025-03-01T09:30:00.123456789Z', Date.UTC(2025, 2, 1, 9, 30, 0, 123)],
    ['2025-03-01T11:30:00+02:00', Date.UTC(2025, 2, 1, 9, 30)],
    ['2025-03-01T00:30:00-09:00', Date.UTC(2025, 2, 1, 9, 30)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('reads %s', (text, expected) => {
    expect(parseRfc3339(text)).toBe(expected);
  });

  it.each([
    '2025-03-01T09:30:00', // no offset: local time is ambiguous
    '2025-03-01',
    '2025-02-29T00:00:00Z',
    '2025-13-01T00:00:00Z',
    '2025-03-01T24:00:00Z',
    '2025-03-01T09:30:60Z',
    '2025-03-01T09:30:00+0200',
    '2025-03-01T09:30:00+24:00',
    'Sat, 01 Mar 2025 09:30:00 GMT',
  ])('refuses %s', (text) => {
    expect(parseRfc3339(text)).toBeUndefined();
  });

  it('round-trips with formatRfc3339', () => {
    const t = Date.UTC(2025, 2, 1, 9, 30, 12, 345);
    expect(formatRfc3339(t)).toBe('2025-03-01T09:30:12.345Z');
    expect(parseRfc3339(formatRfc3339(t))).toBe(t);
  });

  it('formats exactly as Date#toISOString, within a cached second, across seconds and out of range', () => {
    const base = Date.UTC(2025, 2, 1, 9, 30, 12);
    const times = [
      base,
      base + 7,
      base + 45,
      base + 999,
      base + 1000,
      base - 1,
      base + 7,
      0,
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(10_000, 0, 1),
      -1,
      Date.UTC(1969, 11, 31, 23, 59, 59, 5),
    ];
    for (const t of times) expect(formatRfc3339(t)).toBe(new Date(t).toISOString());
  });
});

describe('coerceTimestamp', () => {
  it('takes integer milliseconds and RFC 3339 text', () => {
    expect(coerceTimestamp(0)).toEqual({ ok: true, value: 0 });
    expect(coerceTimestamp('1970-01-01T00:00:01Z')).toEqual({ ok: true, value: 1000 });
    expect(coerceTimestamp(1.5)).toMatchObject({ ok: false });
    expect(coerceTimestamp(new Date())).toMatchObject({ ok: false });
  });
});

describe('coerceDecimal (scale 2, precision 18)', () => {
  it.each([
    [0, '0.00'],
    [-0, '0.00'],
    [12.5, '12.50'],
    [0.1, '0.10'],
    [125000, '125000.00'],
    ['125000', '125000.00'],
    ['125000.5', '125000.50'],
    [' 3.10 ', '3.10'],
    ['-4.2', '-4.20'],
    ['9999999999999999.99', '9999999999999999.99'],
  ])('normalises %j to %s', (input, expected) => {
    expect(coerceDecimal(input, 2, 18)).toEqual({ ok: true, value: expected });
  });

  it.each([
    [0.125],
    ['0.125'],
    ['1e3'],
    ['.5'],
    ['1.'],
    [''],
    [Number.NaN],
    [Infinity],
    [2 ** 60],
    [null],
    [true],
    ['10000000000000000.00'],
  ])('refuses %j', (input) => {
    expect(coerceDecimal(input, 2, 18)).toMatchObject({ ok: false, reason: expect.any(String) });
  });
});
