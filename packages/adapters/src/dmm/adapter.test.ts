import { describe, expect, it } from 'vitest';
import { fixture, validated } from '../fixtures.test-support.ts';
import { EMPTY_IDENTITY_CONFIG, parseIdentityConfig } from '../identity/config.ts';
import { createIdentityResolver } from '../identity/resolver.ts';
import type { AdapterContext } from '../outcome.ts';
import { mapDmmFeedEvent, type DmmResources } from './adapter.ts';
import { dmmFeedQuery, nextDmmCursor, parseDmmFeedPage } from './feed.ts';

const load = (name: string): unknown => fixture(new URL(`./fixtures/${name}.json`, import.meta.url));
const page = parseDmmFeedPage(load('events-page'));
const context: AdapterContext = {
  source: 'https://app.entropy-data.com',
  identity: createIdentityResolver(EMPTY_IDENTITY_CONFIG),
  receivedAtMs: Date.UTC(2026, 10, 30),
};
const resources: DmmResources = {
  dataProducts: { 'orders-daily': load('dataproduct-orders-daily') },
  accesses: { '2OzPnlv1OVp20sKQaqRQAl': load('access-2OzPnlv1OVp20sKQaqRQAl') },
};

describe('Data Mesh Manager / Entropy Data feed', () => {
  it('reads a page of both type prefixes and exposes the cursor to resume from', () => {
    expect(page.map((e) => e.type)).toEqual([
      'DataProductCreatedEvent',
      'AccessRequestedEvent',
      'AccessActivatedEvent',
      'AccessDeactivatedEvent',
      'DataProductDeletedEvent',
    ]);
    expect(nextDmmCursor(page, undefined)).toBe('1ef9ec00-1c22-6d3e-b4cc-6b1f2e3d4c5d');
    expect(nextDmmCursor([], 'kept')).toBe('kept');
    expect(dmmFeedQuery(undefined)).toEqual({});
    expect(dmmFeedQuery('abc')).toEqual({ lastEventId: 'abc' });
  });

  it('maps created, activated, deactivated and deleted to valid events; ignores the rest', () => {
    const outcomes = page.map((event) => mapDmmFeedEvent(event, resources, context));
    const events = outcomes.flatMap((outcome) => validated(outcome));
    expect(events.map((e) => e.type)).toEqual([
      'DataProductPublished',
      'ConsumerOnboarded',
      'ConsumerOffboarded',
      'DataProductRetired',
    ]);
    expect(events[0]).toMatchObject({
      productId: 'payments.orders-daily',
      domain: 'payments',
      name: 'Orders (daily)',
      version: 'unversioned',
      ownerTeam: 'payments-data',
      tier: 'critical',
      time: Date.parse('2026-11-09T17:26:56.640Z'),
    });
    expect(events[1]).toMatchObject({
      consumerTeam: 'risk-team',
      productId: 'payments.orders-daily',
      useCaseId: null,
    });
    expect(events[2]).toMatchObject({ reason: 'access deactivated in Data Mesh Manager' });
    expect(outcomes[1]!.ignored?.code).toBe('unsupported-event');
  });

  it('asks for the resources it needs instead of guessing', () => {
    const activated = page[2]!;
    const noAccess = mapDmmFeedEvent(activated, { dataProducts: {}, accesses: {} }, context);
    expect(noAccess.needs).toEqual([{ kind: 'access', id: '2OzPnlv1OVp20sKQaqRQAl' }]);
    expect(noAccess.ignored?.code).toBe('resource-needed');
    const noProduct = mapDmmFeedEvent(activated, { dataProducts: {}, accesses: resources.accesses }, context);
    expect(noProduct.needs).toEqual([{ kind: 'dataProduct', id: 'orders-daily' }]);
  });

  it('resolves a deleted product through the mapping file when its body is gone, else lists it unmapped', () => {
    const deleted = page[4]!;
    const unmapped = mapDmmFeedEvent(deleted, { dataProducts: {}, accesses: {} }, context);
    expect(unmapped.events).toEqual([]);
    expect(unmapped.unmapped).toEqual([expect.objectContaining({ tool: 'dmm', ref: 'orders-daily' })]);
    const identity = createIdentityResolver(
      parseIdentityConfig(
        'products:\n  - {tool: dmm, ref: orders-daily, productId: payments.orders, domain: payments}\n',
        'identity.yaml',
      ),
    );
    const mapped = mapDmmFeedEvent(deleted, { dataProducts: {}, accesses: {} }, { ...context, identity });
    expect(validated(mapped)).toEqual([
      expect.objectContaining({ type: 'DataProductRetired', productId: 'payments.orders' }),
    ]);
  });

  it('derives ids from the feed event id: a page read twice yields the same ids', () => {
    const ids = () =>
      page.flatMap((event) => mapDmmFeedEvent(event, resources, context).events.map((e) => e.id));
    expect(ids()).toEqual(ids());
    expect(new Set(ids()).size).toBe(4);
  });

  it('refuses a body that is not a CloudEvents batch, naming the field', () => {
    expect(() => parseDmmFeedPage({ events: [] })).toThrow(expect.objectContaining({ field: '(body)' }));
    expect(() => parseDmmFeedPage([{ type: 'x' }])).toThrow(
      expect.objectContaining({ field: 'events.0.id' }),
    );
  });
});
