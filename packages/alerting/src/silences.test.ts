import { describe, expect, it } from 'vitest';
import { parseMatcher, silencesMatching, validateSilence, type Silence } from './silences.ts';

const T = Date.UTC(2026, 0, 1);
const labels = {
  alertname: 'ProductMomentumStalled',
  domain: 'hr',
  product: 'hr.payroll',
  scope_kind: 'product',
};
const silence = (text: string[], startsAtMs = T, endsAtMs = T + 1000): Silence => ({
  id: 's',
  matchers: text.map((t) => parseMatcher(t)!),
  startsAtMs,
  endsAtMs,
  createdBy: 'me',
  comment: 'why',
});

describe('silence matching', () => {
  it.each([
    [['domain=hr'], true],
    [['domain=payments'], false],
    [['domain!=payments'], true],
    [['product=~hr\\..*'], true],
    [['product=~payroll'], false], // anchored: the whole value must match
    [['product!~hr\\..*'], false],
    [['domain=hr', 'scope_kind=domain'], false], // every matcher must match
    [['owner_team='], true], // a missing label matches the empty string
  ])('%j matches: %s', (text, expected) => {
    expect(silencesMatching(labels, [silence(text)], T).length > 0).toBe(expected);
  });

  it('is active from startsAt (inclusive) to endsAt (exclusive)', () => {
    const s = silence(['domain=hr'], T, T + 1000);
    expect(silencesMatching(labels, [s], T - 1)).toEqual([]);
    expect(silencesMatching(labels, [s], T)).toEqual([s]);
    expect(silencesMatching(labels, [s], T + 999)).toEqual([s]);
    expect(silencesMatching(labels, [s], T + 1000)).toEqual([]);
  });

  it('parses the four operators and refuses the rest', () => {
    expect(parseMatcher('a!~b')).toEqual({ name: 'a', value: 'b', isRegex: true, isEqual: false });
    expect(parseMatcher('a=~b')).toEqual({ name: 'a', value: 'b', isRegex: true, isEqual: true });
    expect(parseMatcher('a!=b')).toEqual({ name: 'a', value: 'b', isRegex: false, isEqual: false });
    expect(parseMatcher('a==b')).toEqual({ name: 'a', value: '=b', isRegex: false, isEqual: true });
    expect(parseMatcher('1a=b')).toBeUndefined();
    expect(parseMatcher('novalue')).toBeUndefined();
  });
});

describe('silence validation', () => {
  it('accepts a complete silence', () => {
    const input = {
      matchers: [parseMatcher('domain=hr')],
      endsAtMs: T + 60_000,
      createdBy: 'a',
      comment: 'b',
    };
    expect(validateSilence(input, T)).toEqual([]);
  });

  it('names every bad field', () => {
    const issues = validateSilence(
      {
        matchers: [
          { name: '', value: 1 },
          { name: 'x', value: '(', isRegex: true },
        ],
        endsAtMs: T - 1,
        createdBy: ' ',
      },
      T,
    );
    expect(issues.map((i) => i.field)).toEqual([
      'matchers.0.name',
      'matchers.0.value',
      'matchers.1.value',
      'endsAtMs',
      'createdBy',
      'comment',
    ]);
    expect(validateSilence({}, T).map((i) => i.field)).toEqual([
      'matchers',
      'endsAtMs',
      'createdBy',
      'comment',
    ]);
  });
});
