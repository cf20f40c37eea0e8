import { describe, expect, it } from 'vitest';
import { keys, type DomainScope, type KeySpace } from './keys.ts';
import { slotOf } from './redis-client.ts';

const ks: KeySpace = { prefix: 'mm', namespace: 'v1' };
const product: DomainScope = { kind: 'product', productId: 'orders' };

/** Redis Cluster slots of the key contract: what must share a slot does, and the rest is spread. */
describe('slots of the key contract', () => {
  it('computes Redis slots (values from the Redis Cluster specification and redis-cli CLUSTER KEYSLOT)', () => {
    expect(slotOf('123456789')).toBe(12739); // CRC16/XMODEM check value 0x31C3 mod 16384
    expect(slotOf('foo')).toBe(12182);
    expect(slotOf('{user1000}.following')).toBe(slotOf('{user1000}.followers'));
  });

  it("puts every key of a domain and its products in the domain's slot (one apply script per domain)", () => {
    const slot = slotOf('{payments}');
    const domainKeys = [
      keys.domainProgress(ks, 'payments'),
      keys.domainSeenEvents(ks, 'payments', 7 * 86_400_000, 2900),
      keys.domainProducts(ks, 'payments'),
      keys.stalledProducts(ks, 'payments'),
      keys.productRanking(ks, 'payments', 'value'),
      ...[{ kind: 'domain' } as const, product].flatMap((scope) => [
        keys.scopeAggregate(ks, 'payments', scope),
        keys.scopeStanding(ks, 'payments', scope),
        keys.scopeScore(ks, 'payments', scope),
        keys.scopeMovers(ks, 'payments', scope, 'momentum'),
      ]),
    ];
    for (const key of domainKeys) expect(slotOf(key), key).toBe(slot);
  });

  it('puts every mesh-wide key in the {mesh} slot (one MULTI for the mesh refresh)', () => {
    const slot = slotOf('{mesh}');
    const meshKeys = [
      keys.domains(ks),
      keys.meshScore(ks),
      keys.domainRanking(ks, 'momentum'),
      keys.stalled(ks),
      keys.partitionProgress(ks),
      keys.partitionEpoch(ks, 'events', 3),
    ];
    for (const key of meshKeys) expect(slotOf(key), key).toBe(slot);
  });

  it('spreads domains over slots', () => {
    const slots = new Set(
      ['payments', 'marketing', 'logistics', 'hr'].map((d) => slotOf(keys.scopeScore(ks, d, product))),
    );
    expect(slots.size).toBe(4);
  });
});
