import { describe, expect, it } from 'vitest';
import { scoreFromFields, type StoredScore } from '@mesh-momentum/store';
import { isAtRisk, listScopes, toView, type ScopeView } from './views.ts';

/** A score hash as the processor writes it (docs/redis-contract.md), the way Redis returns it. */
const hash = (over: Record<string, string> = {}): Record<string, string> => ({
  asOfMs: '1764547200000',
  momentum: '61.23456',
  value: '20.5',
  momentumRaw: '28.6',
  valueRaw: '34.2',
  momentumTrend7: '-1.234',
  momentumTrend30: '-12',
  valueTrend7: '0',
  valueTrend30: '3',
  quadrant: 'hype',
  stalled: '0',
  stallReason: '',
  lastPositiveEventMs: '1764000000000',
  lastEventMs: '1764100000000',
  eventCount: '42',
  counts: '{"7":{"ChampionGained":2},"30":{"ChampionGained":3,"ConsumerOnboarded":1},"90":{}}',
  standing: '{"champions":3,"sponsors":1,"executiveSponsors":0,"consumers":7}',
  ...over,
});
const score = (over: Record<string, string> = {}) => scoreFromFields(hash(over)) as StoredScore;

describe('toView', () => {
  it('maps a stored hash to the API view: ids, rounded scores, sparse counts, consumers', () => {
    const v = toView('product', score(), 'payments', 'payments.orders');
    expect(v).toMatchObject({
      id: 'product:payments/payments.orders',
      kind: 'product',
      domain: 'payments',
      momentum: 61.23,
      momentumTrend7: -1.23,
      momentumRaw: 28.6,
      quadrant: 'hype',
      stalled: false,
      stallReason: undefined,
      lastEventMs: 1764100000000,
      eventCount: 42,
      consumers: 7,
    });
    expect(v.counts['30']).toEqual({ ChampionGained: 3, ConsumerOnboarded: 1 });
    expect(v.counts['90']).toEqual({});
    expect(toView('domain', score(), 'hr').id).toBe('domain:hr');
    expect(toView('mesh', score()).id).toBe('mesh');
  });

  it("carries a product's owner team, and none for domains, the mesh or a hash without the field", () => {
    expect(toView('product', score({ ownerTeam: 'payments-core' }), 'payments', 'orders').ownerTeam).toBe(
      'payments-core',
    );
    expect(toView('product', score(), 'payments', 'orders').ownerTeam).toBeUndefined();
    expect(toView('product', score({ ownerTeam: '' }), 'payments', 'orders').ownerTeam).toBeUndefined();
    expect(toView('domain', score({ ownerTeam: 'stray' }), 'payments').ownerTeam).toBeUndefined();
    expect(toView('mesh', score({ ownerTeam: 'stray' })).ownerTeam).toBeUndefined();
  });

  it('reads a stall and its reason', () => {
    const v = toView('domain', score({ stalled: '1', stallReason: 'inactivity' }), 'hr');
    expect(v.stalled).toBe(true);
    expect(v.stallReason).toBe('inactivity');
    expect(isAtRisk(v)).toBe(false);
  });

  it('counts a 30-day fall of 10 points or more as at risk, 9.99 not', () => {
    expect(isAtRisk(toView('domain', score({ momentumTrend30: '-10' }), 'a'))).toBe(true);
    expect(isAtRisk(toView('domain', score({ momentumTrend30: '-9.99' }), 'a'))).toBe(false);
  });
});

describe('listScopes', () => {
  const views: ScopeView[] = [
    toView(
      'product',
      score({ momentum: '10', quadrant: 'stalled', stalled: '1', ownerTeam: 'team-x' }),
      'a',
      'p1',
    ),
    toView('product', score({ momentum: '30', ownerTeam: 'team-x' }), 'a', 'p2'),
    toView('product', score({ momentum: '30' }), 'b', 'p3'),
    toView('product', score({ momentum: '20', quadrant: 'thriving', ownerTeam: 'team-x' }), 'b', 'p4'),
  ];
  const base = { sort: 'momentum', order: 'desc', limit: 10, offset: 0 } as const;

  it('sorts with ties broken by id, so pages are stable', () => {
    expect(listScopes(views, base).items.map((v) => v.productId)).toEqual(['p2', 'p3', 'p4', 'p1']);
    expect(listScopes(views, { ...base, order: 'asc' }).items.map((v) => v.productId)).toEqual([
      'p1',
      'p4',
      'p2',
      'p3',
    ]);
  });

  it('filters by domain, quadrant and stall, and counts the total before paging', () => {
    expect(listScopes(views, { ...base, domain: 'b' }).items.map((v) => v.productId)).toEqual(['p3', 'p4']);
    expect(listScopes(views, { ...base, quadrant: 'thriving' }).total).toBe(1);
    expect(listScopes(views, { ...base, stalled: true }).items.map((v) => v.productId)).toEqual(['p1']);
    expect(listScopes(views, { ...base, ownerTeam: 'team-x' }).items.map((v) => v.productId)).toEqual([
      'p2',
      'p4',
      'p1',
    ]);
    // Empty: the products without an owner team.
    expect(listScopes(views, { ...base, ownerTeam: '' }).items.map((v) => v.productId)).toEqual(['p3']);
    expect(listScopes(views, { ...base, ownerTeam: 'team-y' }).total).toBe(0);
    const page = listScopes(views, { ...base, limit: 2, offset: 1 });
    expect(page.total).toBe(4);
    expect(page.items.map((v) => v.productId)).toEqual(['p3', 'p4']);
  });
});
