import { describe, expect, it } from 'vitest';
import { fixture } from '../fixtures.test-support.ts';
import { EMPTY_IDENTITY_CONFIG } from '../identity/config.ts';
import { createIdentityResolver } from '../identity/resolver.ts';
import { diffBackstageSnapshots, retiringProducts } from './diff.ts';
import { catalogEntities } from './entities.ts';
import { DEFAULT_MAX_RETIRE_SHARE, massRetirement } from './guard.ts';
import { buildBackstageSnapshot } from './snapshot.ts';

const identity = createIdentityResolver(EMPTY_IDENTITY_CONFIG);
const entities = catalogEntities(fixture(new URL('./fixtures/catalog-before.json', import.meta.url)));
const before = buildBackstageSnapshot(entities, identity);
const after = buildBackstageSnapshot(
  catalogEntities(fixture(new URL('./fixtures/catalog-after-by-query.json', import.meta.url))),
  identity,
);
const empty = buildBackstageSnapshot([], identity);
const context = { source: 'https://backstage.acme.example', nowMs: Date.UTC(2026, 10, 30, 12) };

describe('massRetirement', () => {
  it('holds a round that would retire every known product (an empty catalog)', () => {
    expect(massRetirement(before, empty, DEFAULT_MAX_RETIRE_SHARE)).toEqual({
      known: 2,
      retiring: ['component:default/orders-daily', 'component:default/customer-360'],
      share: 1,
    });
  });

  it('lets a round through that retires no more than the share (one of two deprecated: 50%)', () => {
    expect(retiringProducts(before, after)).toEqual(['component:default/customer-360']);
    expect(massRetirement(before, after, DEFAULT_MAX_RETIRE_SHARE)).toBeUndefined();
    expect(massRetirement(before, after, 0.4)).toMatchObject({ known: 2, share: 0.5 });
  });

  it('counts exactly the products the diff retires', () => {
    const retired = diffBackstageSnapshots(before, empty, context).events.filter(
      (e) => e.type === 'DataProductRetired',
    );
    expect(retired).toHaveLength(retiringProducts(before, empty).length);
  });

  it('never holds with share 1, nor with nothing known', () => {
    expect(massRetirement(before, empty, 1)).toBeUndefined();
    expect(massRetirement(empty, empty, 0)).toBeUndefined();
  });

  it('does not count a product that merely stopped resolving as retiring', () => {
    // The entity is still there but lost its domain annotation: unmapped, not retired.
    const stripped = entities.map((e) => {
      const entity = e as { metadata: { name: string; annotations?: Record<string, string> } };
      if (entity.metadata.name !== 'orders-daily') return e;
      const annotations = { ...entity.metadata.annotations };
      delete annotations['mesh-momentum.io/domain'];
      return { ...entity, metadata: { ...entity.metadata, annotations } };
    });
    const unresolved = buildBackstageSnapshot(stripped, identity);
    expect(unresolved.unmapped.map((u) => u.ref)).toContain('component:default/orders-daily');
    expect(retiringProducts(before, unresolved)).toEqual([]);
  });
});
