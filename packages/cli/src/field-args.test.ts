import { describe, expect, it } from 'vitest';
import { knownFieldsOf, parseFieldArgs } from './field-args.ts';

describe('parseFieldArgs', () => {
  it('converts values by the field kinds of the event type', () => {
    const { fields, problems } = parseFieldArgs('ProductUsageReported', [
      '--domain',
      'payments',
      '--productId=payments.orders',
      '--periodStart',
      '2026-10-01T00:00:00Z',
      '--periodEnd',
      '1790000000000',
      '--activeConsumers',
      '12',
      '--queries',
      'many',
    ]);
    expect(problems).toEqual([]);
    expect(fields).toEqual({
      domain: 'payments',
      productId: 'payments.orders',
      periodStart: '2026-10-01T00:00:00Z',
      periodEnd: 1_790_000_000_000,
      activeConsumers: 12,
      // Not a number: left as text, so validation names the field.
      queries: 'many',
    });
  });

  it('reads arrays comma-separated or from repeated flags, and null for nullable fields', () => {
    expect(
      parseFieldArgs('UseCaseDelivered', ['--productIds', 'a,b', '--productIds', 'c']).fields['productIds'],
    ).toEqual(['a', 'b', 'c']);
    expect(parseFieldArgs('ConsumerOnboarded', ['--useCaseId', 'null']).fields['useCaseId']).toBeNull();
  });

  it('keeps decimals as text and accepts envelope fields', () => {
    const { fields, problems } = parseFieldArgs('UseCaseDelivered', [
      '--estimatedAnnualValue',
      '125000.50',
      '--id',
      'evt-1',
      '--source',
      'urn:ci',
    ]);
    expect(problems).toEqual([]);
    expect(fields).toEqual({ estimatedAnnualValue: '125000.50', id: 'evt-1', source: 'urn:ci' });
  });

  it('reports unknown flags, a missing value and stray words as usage problems', () => {
    const { problems } = parseFieldArgs('ChampionGained', ['--colour', 'red', 'stray', '--domain']);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/--colour is not a field of ChampionGained \(fields: .*personId/);
    expect(problems[1]).toMatch(/unexpected argument "stray"/);
    expect(problems[2]).toBe('--domain needs a value');
    expect(parseFieldArgs('ChampionGained', ['--type', 'X']).problems[0]).toMatch(/--type is not a field/);
  });

  it('lists the fields of a type', () => {
    expect(knownFieldsOf('ChampionGained')).toEqual(
      expect.arrayContaining(['id', 'source', 'time', 'subject', 'domain', 'personId', 'role']),
    );
    expect(knownFieldsOf('Nope')).toBeUndefined();
  });
});
