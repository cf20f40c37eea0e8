import { computeScores, DEFAULT_SCORING_CONFIG, type ScoringEvent } from '@mesh-momentum/scoring';
import { describe, expect, it } from 'vitest';
import { scoreFromFields, scoreToFields } from './score-fields.ts';

const DAY_MS = 86_400_000;
const T0 = Date.UTC(2025, 0, 1);

const published = (timeMs: number, productId: string, ownerTeam: string): ScoringEvent => ({
  type: 'DataProductPublished',
  id: `${productId}-${timeMs}`,
  source: 'test',
  domain: 'payments',
  timeMs,
  productId,
  tier: 'standard',
  ownerTeam,
});

describe('score hash fields', () => {
  const retired: ScoringEvent = {
    type: 'DataProductRetired',
    id: 'r',
    source: 'test',
    domain: 'payments',
    timeMs: T0 + DAY_MS,
    productId: 'legacy',
  };
  const asOfMs = T0 + 60 * DAY_MS;
  const scores = computeScores(
    [published(T0, 'orders', 'checkout'), published(T0, 'legacy', 'core'), retired],
    asOfMs,
    DEFAULT_SCORING_CONFIG,
  );

  it("carry a stalled scope's findings with their values and thresholds, and read back equal", () => {
    const orders = scores.products['orders'];
    expect(orders?.stall.stalled).toBe(true);
    const stored = scoreFromFields(scoreToFields(orders!));
    expect(stored?.stallFindings.length).toBeGreaterThan(0);
    expect(stored?.stallFindings).toEqual(orders?.stall.findings);
    expect(stored?.stallFindings[0]).toMatchObject({ rule: 'inactivity', threshold: expect.any(Number) });
    expect(stored?.ownerTeam).toBe('checkout');
    expect(stored?.stallExemption).toBeUndefined();
  });

  it('mark a retired product exempt, with no findings', () => {
    const stored = scoreFromFields(scoreToFields(scores.products['legacy']!));
    expect(stored).toMatchObject({ stalled: false, stallExemption: 'retired', stallFindings: [] });
  });

  it('read hashes written before the fields existed as no findings and no owner', () => {
    const fields: Record<string, string> = { ...scoreToFields(scores.domains['payments']!) };
    delete fields['stallFindings'];
    delete fields['stallExemption'];
    delete fields['ownerTeam'];
    expect(scoreFromFields(fields)).toMatchObject({
      stallFindings: [],
      stallExemption: undefined,
      ownerTeam: undefined,
    });
  });

  it('refuse a finding whose rule is not in the contract, naming the field', () => {
    const fields = {
      ...scoreToFields(scores.domains['payments']!),
      stallFindings: '[{"rule":"vibes","value":1,"threshold":0}]',
    };
    expect(() => scoreFromFields(fields)).toThrow(/stallFindings\[\]\.rule holds "vibes"/);
  });
});

describe('score field order', () => {
  it('writes each value under its own name: every number of a score, all different, reads back in place', () => {
    const base = computeScores([published(T0, 'orders', 'checkout')], T0 + DAY_MS, DEFAULT_SCORING_CONFIG)
      .products['orders']!;
    // Distinct values everywhere a swapped pair of fields would go unnoticed with equal ones.
    const score = {
      ...base,
      asOfMs: T0 + 11,
      momentum: { ...base.momentum, score: 12, raw: 13, trend7: 14, trend30: 15 },
      value: { ...base.value, score: 16, raw: 17, trend7: 18, trend30: 19 },
      stall: { ...base.stall, lastMomentumEventMs: T0 + 20 },
      lastEventMs: T0 + 21,
      eventCount: 22,
    };
    expect(scoreFromFields(scoreToFields(score))).toMatchObject({
      asOfMs: T0 + 11,
      momentum: { score: 12, raw: 13, trend7: 14, trend30: 15 },
      value: { score: 16, raw: 17, trend7: 18, trend30: 19 },
      lastPositiveEventMs: T0 + 20,
      lastEventMs: T0 + 21,
      eventCount: 22,
      quadrant: base.quadrant,
      ownerTeam: 'checkout',
      standing: base.standing,
    });
  });
});
