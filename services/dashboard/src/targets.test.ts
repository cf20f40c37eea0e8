import { describe, expect, it } from 'vitest';
import { decodeTargets, encodeTarget, targetBody, targetField } from './targets.ts';

describe('targets', () => {
  it('round-trips a target through the stored hash', () => {
    const body = targetBody.parse({ metric: 'value', level: 40, date: '2027-03-31' });
    const hash = { [targetField('product:a/b.c', 'value')]: encodeTarget(body, 5) };
    expect(decodeTargets(hash)).toEqual([
      { scopeId: 'product:a/b.c', metric: 'value', level: 40, dateMs: Date.UTC(2027, 2, 31), setAtMs: 5 },
    ]);
  });

  it('refuses a level out of 0..100, an unknown metric, a bad date and extra fields', () => {
    expect(targetBody.safeParse({ metric: 'value', level: 101, date: '2027-01-01' }).success).toBe(false);
    expect(targetBody.safeParse({ metric: 'hype', level: 1, date: '2027-01-01' }).success).toBe(false);
    expect(targetBody.safeParse({ metric: 'value', level: 1, date: 'soon' }).success).toBe(false);
    expect(targetBody.safeParse({ metric: 'value', level: 1, date: '2027-01-01', x: 1 }).success).toBe(false);
  });

  it('skips entries written by hand that do not parse', () => {
    expect(decodeTargets({ 'domain:a|momentum': 'not json', 'domain:a|speed': '{}', nobar: '{}' })).toEqual(
      [],
    );
  });
});
