import { describe, expect, it } from 'vitest';
import { fixture, validated } from '../fixtures.test-support.ts';
import { EMPTY_IDENTITY_CONFIG, parseIdentityConfig } from '../identity/config.ts';
import { createIdentityResolver } from '../identity/resolver.ts';
import { advanceSnapshot, diffBackstageSnapshots } from './diff.ts';
import { catalogEntities, catalogNextCursor } from './entities.ts';
import { buildBackstageSnapshot, type BackstageSnapshot } from './snapshot.ts';

const identity = createIdentityResolver(EMPTY_IDENTITY_CONFIG);
const context = { source: 'https://backstage.acme.example', nowMs: Date.UTC(2026, 10, 30, 12) };
const before = buildBackstageSnapshot(
  catalogEntities(fixture(new URL('./fixtures/catalog-before.json', import.meta.url))),
  identity,
);
const after = buildBackstageSnapshot(
  catalogEntities(fixture(new URL('./fixtures/catalog-after-by-query.json', import.meta.url))),
  identity,
);

describe('Backstage catalog snapshots', () => {
  it('finds data products by kind and type, resolves them by annotation, and lists the unmapped one', () => {
    expect(Object.keys(before.products).sort()).toEqual([
      'component:default/customer-360',
      'component:default/orders-daily',
    ]);
    expect(before.products['component:default/orders-daily']).toMatchObject({
      productId: 'payments.orders-daily',
      domain: 'payments',
      name: 'Orders (daily)',
      version: '1.0.0',
      ownerTeam: 'payments-data',
      tier: 'critical',
      retired: false,
    });
    expect(before.unmapped).toEqual([
      expect.objectContaining({ tool: 'backstage', ref: 'component:default/legacy-report' }),
    ]);
  });

  it('counts consumption of an API a product provides as consumption of the product', () => {
    expect(Object.keys(before.consumptions).sort()).toEqual([
      'component:default/customer-360|marketing-analytics',
      'component:default/orders-daily|risk-team',
    ]);
  });

  it('reads the next-page cursor of a by-query response', () => {
    expect(catalogNextCursor({ items: [], pageInfo: { nextCursor: 'abc' } })).toBe('abc');
    expect(catalogNextCursor({ items: [], pageInfo: {} })).toBeUndefined();
    expect(() => catalogEntities({ entities: [] })).toThrow(expect.objectContaining({ field: '(body)' }));
  });

  it('survives a JSON round trip (the poller keeps it in Redis)', () => {
    const copy = JSON.parse(JSON.stringify(after)) as BackstageSnapshot;
    expect(diffBackstageSnapshots(after, copy, context).ignored?.code).toBe('no-change');
  });
});

describe('diffBackstageSnapshots', () => {
  it('gives a change undone and redone in later rounds ids of its own (A → B → A → B)', () => {
    let kept = advanceSnapshot(undefined, before, false);
    const ids: (string | undefined)[] = [];
    for (const next of [after, before, after]) {
      const outcome = diffBackstageSnapshots(kept, next, context);
      ids.push(...outcome.events.map((e) => e.id));
      kept = advanceSnapshot(kept, next, outcome.events.length > 0);
    }
    expect(ids.length).toBeGreaterThan(3);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps the ids of a round that is retried (the snapshot was not saved)', () => {
    const kept = advanceSnapshot(undefined, before, false);
    const first = diffBackstageSnapshots(kept, after, context).events.map((e) => e.id);
    const retried = diffBackstageSnapshots(kept, after, context).events.map((e) => e.id);
    expect(retried).toEqual(first);
  });

  it('emits publications, retirements, onboardings and offboardings, all valid', () => {
    const outcome = diffBackstageSnapshots(before, after, context);
    const events = validated(outcome);
    const summary = events.map(
      (e) => `${e.type} ${e.subject}${'consumerTeam' in e ? ` ${e.consumerTeam}` : ''}`,
    );
    expect(summary.sort()).toEqual([
      'ConsumerOffboarded payments.orders-daily risk-team',
      'ConsumerOnboarded payments.orders-daily ml-platform',
      'DataProductPublished logistics.shipments',
      'DataProductPublished payments.orders-daily',
      'DataProductRetired marketing.customer-360',
    ]);
    expect(
      events.find((e) => e.type === 'DataProductPublished' && e.subject === 'payments.orders-daily'),
    ).toMatchObject({
      version: '1.1.0',
      time: context.nowMs,
      source: 'https://backstage.acme.example',
    });
    expect(events.find((e) => e.type === 'DataProductRetired')).toMatchObject({
      reason: 'lifecycle component:default/customer-360 deprecated in the Backstage catalog',
    });
    expect(outcome.unmapped.map((u) => u.ref)).toEqual(['component:default/legacy-report']);
  });

  it('gives the same change the same ids on every poll (a restart before saving the snapshot)', () => {
    const first = diffBackstageSnapshots(before, after, context).events.map((e) => e.id);
    const again = diffBackstageSnapshots(before, after, {
      ...context,
      nowMs: context.nowMs + 60_000,
    }).events.map((e) => e.id);
    expect(again).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
  });

  it('takes the first snapshot as the baseline: every live product discovered, nothing published', () => {
    const outcome = diffBackstageSnapshots(undefined, before, context);
    const events = validated(outcome);
    expect(
      events.map((e) => [e.type, 'productId' in e && e.productId, 'ownerTeam' in e && e.ownerTeam]),
    ).toEqual([
      ['DataProductDiscovered', 'payments.orders-daily', 'payments-data'],
      ['DataProductDiscovered', 'marketing.customer-360', 'marketing-data'],
    ]);
    expect(events.every((e) => e.time === context.nowMs && e.domain !== '')).toBe(true);
    expect(outcome.unmapped.map((u) => u.ref)).toEqual(['component:default/legacy-report']);
    const again = diffBackstageSnapshots(undefined, before, { ...context, nowMs: context.nowMs + 1 });
    expect(again.events.map((e) => e.id)).toEqual(events.map((e) => e.id));
  });

  it('discovers nothing of a first snapshot whose products are all retired', () => {
    const retired = Object.fromEntries(
      Object.entries(before.products).map(([ref, p]) => [ref, { ...p, retired: true }]),
    );
    const outcome = diffBackstageSnapshots(undefined, { ...before, products: retired }, context);
    expect(outcome.events).toEqual([]);
    expect(outcome.ignored?.code).toBe('baseline');
  });

  it('retires a product removed from the catalog and offboards its consumers', () => {
    const gone = { ...after, products: {}, consumptions: {} };
    const events = validated(diffBackstageSnapshots(after, gone, context));
    expect(events.map((e) => e.type).sort()).toEqual([
      'ConsumerOffboarded',
      'ConsumerOffboarded',
      'DataProductRetired',
      'DataProductRetired',
    ]);
    expect(
      events.filter((e) => e.type === 'ConsumerOffboarded').map((e) => 'reason' in e && e.reason),
    ).toEqual(['product retired in the Backstage catalog', 'product retired in the Backstage catalog']);
  });

  it('does not retire a product that merely lost its mapping: it is listed as unmapped instead', () => {
    const entities = catalogEntities(
      fixture(new URL('./fixtures/catalog-before.json', import.meta.url)),
    ) as Record<string, unknown>[];
    const withoutAnnotations = entities.map((entity) =>
      (entity['metadata'] as { name: string }).name === 'orders-daily'
        ? { ...entity, metadata: { ...(entity['metadata'] as object), annotations: {} } }
        : entity,
    );
    const current = buildBackstageSnapshot(withoutAnnotations, identity);
    const outcome = diffBackstageSnapshots(before, current, context);
    expect(outcome.events).toEqual([]);
    expect(outcome.unmapped.map((u) => u.ref)).toContain('component:default/orders-daily');
  });

  it('an explicit mapping entry matches a Backstage ref in any case', () => {
    const mapped = createIdentityResolver(
      parseIdentityConfig(
        'products:\n  - { tool: backstage, ref: Component:default/Legacy-Report, productId: finance.legacy, domain: finance }\n',
        'i.yaml',
      ),
    );
    const snapshot = buildBackstageSnapshot(
      catalogEntities(fixture(new URL('./fixtures/catalog-before.json', import.meta.url))),
      mapped,
    );
    expect(snapshot.products['component:default/legacy-report']).toMatchObject({
      productId: 'finance.legacy',
      domain: 'finance',
    });
  });

  it('an annotated entity of any kind is a product; a consumer without an owner is listed as unmapped', () => {
    const snapshot = buildBackstageSnapshot(
      [
        {
          kind: 'Template',
          metadata: {
            name: 'x',
            annotations: { 'mesh-momentum.io/product-id': 'hr.x', 'mesh-momentum.io/domain': 'hr' },
          },
          spec: {},
        },
        {
          kind: 'Component',
          metadata: { name: 'y' },
          spec: { type: 'service' },
          relations: [{ type: 'dependsOn', targetRef: 'template:default/x' }],
        },
      ],
      identity,
    );
    expect(snapshot.products['template:default/x']).toMatchObject({
      productId: 'hr.x',
      version: 'unversioned',
    });
    expect(snapshot.unmapped).toEqual([
      expect.objectContaining({ ref: 'component:default/y', reason: 'consumer has no owner (spec.owner)' }),
    ]);
  });

  it('names the entity and field of a broken entity', () => {
    expect(() => buildBackstageSnapshot([{ kind: 'Component', metadata: {} }], identity)).toThrow(
      expect.objectContaining({ code: 'MM_ERR_ADAPTER_PAYLOAD_INVALID', field: 'entities.0.metadata.name' }),
    );
  });
});
