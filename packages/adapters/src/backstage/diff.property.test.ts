import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validated } from '../fixtures.test-support.ts';
import { EMPTY_IDENTITY_CONFIG } from '../identity/config.ts';
import { createIdentityResolver } from '../identity/resolver.ts';
import { diffBackstageSnapshots } from './diff.ts';
import { buildBackstageSnapshot } from './snapshot.ts';

const identity = createIdentityResolver(EMPTY_IDENTITY_CONFIG);
const context = { source: 'https://backstage.test', nowMs: Date.UTC(2026, 10, 30) };
const PRODUCTS = ['p0', 'p1', 'p2', 'p3'];
const TEAMS = ['t0', 't1', 't2'];

/** A random catalog: some of four products (version, lifecycle, mapped or not) and consumers of them. */
const catalog = fc
  .record({
    products: fc.subarray(PRODUCTS),
    versions: fc.array(fc.constantFrom('1.0.0', '1.1.0', '2.0.0'), { minLength: 4, maxLength: 4 }),
    deprecated: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    mapped: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    consumers: fc.array(
      fc.record({ team: fc.constantFrom(...TEAMS), product: fc.constantFrom(...PRODUCTS) }),
      { maxLength: 6 },
    ),
  })
  .map(({ products, versions, deprecated, mapped, consumers }) => [
    ...products.map((name) => {
      const i = PRODUCTS.indexOf(name);
      return {
        kind: 'Component',
        metadata: {
          name,
          uid: `uid-${name}`,
          annotations: mapped[i]
            ? { 'mesh-momentum.io/domain': 'd', 'mesh-momentum.io/version': versions[i]! }
            : {},
        },
        spec: {
          type: 'data-product',
          lifecycle: deprecated[i] ? 'deprecated' : 'production',
          owner: 'owners',
        },
      };
    }),
    ...consumers.map((c, i) => ({
      kind: 'Component',
      metadata: { name: `consumer-${i}`, uid: `uid-consumer-${i}` },
      spec: { type: 'service', owner: `group:default/${c.team}` },
      relations: [{ type: 'dependsOn', targetRef: `component:default/${c.product}` }],
    })),
  ]);

describe('diffBackstageSnapshots (properties)', () => {
  it('no change → no events; any change → valid, distinct, consistent events about products seen', () => {
    fc.assert(
      fc.property(catalog, catalog, (a, b) => {
        const before = buildBackstageSnapshot(a, identity);
        const after = buildBackstageSnapshot(b, identity);
        expect(diffBackstageSnapshots(after, after, context).events).toEqual([]);
        const events = validated(diffBackstageSnapshots(before, after, context));
        expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
        const known = new Set(
          [...Object.values(before.products), ...Object.values(after.products)].map((p) => p.productId),
        );
        for (const event of events) expect(known.has(event.subject)).toBe(true);
        // Nothing onboards to a product that is retired now; nothing live now is retired.
        const live = new Set(
          Object.values(after.products)
            .filter((p) => !p.retired)
            .map((p) => p.productId),
        );
        for (const event of events) {
          if (event.type === 'ConsumerOnboarded') expect(live.has(event.productId)).toBe(true);
          if (event.type === 'DataProductRetired') expect(live.has(event.productId)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});
