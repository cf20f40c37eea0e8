import { describe, expect, it } from 'vitest';
import { fixture, validated } from '../fixtures.test-support.ts';
import { EMPTY_IDENTITY_CONFIG, parseIdentityConfig } from '../identity/config.ts';
import { createIdentityResolver } from '../identity/resolver.ts';
import { createHash, createHmac } from 'node:crypto';
import {
  mapOpenMetadataChangeEvent,
  mapOpenMetadataWebhook,
  openMetadataPersonId,
  type OpenMetadataContext,
} from './adapter.ts';

const load = (name: string): unknown => fixture(new URL(`./fixtures/${name}.json`, import.meta.url));
const identity = createIdentityResolver(
  parseIdentityConfig(
    'domains:\n  - { tool: openmetadata, ref: Payments, domain: payments }\n',
    'identity.yaml',
  ),
);
const KEY = 'a-person-id-key-of-at-least-32-characters';
const context: OpenMetadataContext = {
  source: 'https://openmetadata.acme.example',
  identity,
  receivedAtMs: Date.UTC(2026, 10, 30),
  personIdKey: KEY,
};
const ALICE_ID = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const ALICE = openMetadataPersonId(ALICE_ID, KEY);
const BOB = openMetadataPersonId('9a1c7d3e-2b4f-4e6a-8c0d-1e2f3a4b5c6d', KEY);

describe('openMetadataPersonId', () => {
  it('is an HMAC under the configured key: not the unkeyed hash anyone could recompute from a user id', () => {
    const unkeyed = createHash('sha256').update(`openmetadata:user:${ALICE_ID}`).digest('hex').slice(0, 24);
    expect(ALICE).not.toBe(`om-${unkeyed}`);
    const keyed = createHmac('sha256', KEY)
      .update(`openmetadata:user:${ALICE_ID}`)
      .digest('hex')
      .slice(0, 24);
    expect(ALICE).toBe(`om-${keyed}`);
  });

  it('is stable under one key and changes with the key (rotation gives every person a new id)', () => {
    expect(openMetadataPersonId(ALICE_ID, KEY)).toBe(ALICE);
    expect(openMetadataPersonId(ALICE_ID, `${KEY}-rotated`)).not.toBe(ALICE);
    expect(() => openMetadataPersonId(ALICE_ID, '')).toThrow(RangeError);
  });
});

describe('mapOpenMetadataChangeEvent', () => {
  it('data product created → DataProductPublished in the mapped domain', () => {
    const outcome = mapOpenMetadataChangeEvent(load('dataproduct-created'), context);
    expect(validated(outcome)).toEqual([
      expect.objectContaining({
        type: 'DataProductPublished',
        productId: 'payments.OrdersDaily',
        domain: 'payments',
        name: 'Orders (daily)',
        version: '0.1',
        ownerTeam: 'payments-data',
        time: 1764493920000,
      }),
    ]);
  });

  it('data product deleted (batched { data: [...] } body) → DataProductRetired', () => {
    const [item, ...rest] = mapOpenMetadataWebhook(load('dataproduct-deleted-batch'), context);
    expect(rest).toEqual([]);
    if (!item || !('outcome' in item)) throw new Error('expected an outcome');
    expect(validated(item.outcome)).toEqual([
      expect.objectContaining({
        type: 'DataProductRetired',
        productId: 'payments.OrdersDaily',
        reason: 'data product OrdersDaily deleted in OpenMetadata',
      }),
    ]);
  });

  it('domain experts added → ChampionGained per person, with pseudonymous person ids', () => {
    const events = validated(mapOpenMetadataChangeEvent(load('domain-experts-added'), context));
    expect(events.map((e) => [e.type, 'personId' in e ? e.personId : '', e.domain])).toEqual([
      ['ChampionGained', ALICE, 'payments'],
      ['ChampionGained', BOB, 'payments'],
    ]);
    expect(JSON.stringify(events)).not.toContain('alice');
  });

  it('domain experts removed → ChampionLost for the person removed, same person id as gained', () => {
    const events = validated(mapOpenMetadataChangeEvent(load('domain-experts-removed'), context));
    expect(events).toEqual([
      expect.objectContaining({ type: 'ChampionLost', personId: BOB, role: 'champion' }),
    ]);
  });

  it('experts changed through fieldsUpdated count the difference', () => {
    const base = load('domain-experts-added') as Record<string, unknown>;
    const changed = {
      ...base,
      changeDescription: {
        fieldsAdded: [],
        fieldsDeleted: [],
        fieldsUpdated: [
          {
            name: 'experts',
            oldValue: [
              { id: 'u1', type: 'user' },
              { id: 'u2', type: 'user' },
            ],
            newValue: [
              { id: 'u2', type: 'user' },
              { id: 'u3', type: 'user' },
            ],
          },
        ],
      },
    };
    const events = validated(mapOpenMetadataChangeEvent(changed, context));
    expect(events.map((e) => [e.type, 'personId' in e && e.personId])).toEqual([
      ['ChampionGained', openMetadataPersonId('u3', KEY)],
      ['ChampionLost', openMetadataPersonId('u1', KEY)],
    ]);
  });

  it('ignores other entity types and lists an unmappable domain', () => {
    expect(mapOpenMetadataChangeEvent(load('table-updated'), context).ignored?.code).toBe(
      'unsupported-event',
    );
    const noMapping = createIdentityResolver(
      parseIdentityConfig('conventions: { toolDomainAsIs: false }\n', 'identity.yaml'),
    );
    const outcome = mapOpenMetadataChangeEvent(load('domain-experts-added'), {
      ...context,
      identity: noMapping,
    });
    expect(outcome.events).toEqual([]);
    expect(outcome.unmapped).toEqual([expect.objectContaining({ tool: 'openmetadata', ref: 'Payments' })]);
  });

  it('uses the OpenMetadata domain name as is when it is a valid identifier and nothing maps it', () => {
    const conventionsOnly = createIdentityResolver(EMPTY_IDENTITY_CONFIG);
    const events = validated(
      mapOpenMetadataChangeEvent(load('dataproduct-created'), { ...context, identity: conventionsOnly }),
    );
    expect(events[0]).toMatchObject({ domain: 'Payments', productId: 'Payments.OrdersDaily' });
  });

  it('redelivery of a ChangeEvent yields the same ids', () => {
    const ids = () =>
      mapOpenMetadataChangeEvent(load('domain-experts-added'), context).events.map((e) => e.id);
    expect(ids()).toEqual(ids());
  });
});

describe('mapOpenMetadataWebhook', () => {
  it('maps each ChangeEvent of a batch on its own: an unreadable one is an item with its error', () => {
    const created = load('dataproduct-created') as Record<string, unknown>;
    const experts = load('domain-experts-added');
    const { entityFullyQualifiedName: _dropped, ...broken } = { ...created, id: 'broken-1' } as Record<
      string,
      unknown
    >;
    const items = mapOpenMetadataWebhook({ data: [created, broken, experts, 'junk'] }, context);
    expect(items.map((i) => [i.ref, 'error' in i ? i.error.field : 'ok'])).toEqual([
      [`ChangeEvent ${String(created['id'])}`, 'ok'],
      ['ChangeEvent broken-1', 'entityFullyQualifiedName'],
      [`ChangeEvent ${String((experts as Record<string, unknown>)['id'])}`, 'ok'],
      ['ChangeEvent [3]', 'id'],
    ]);
    const events = items.flatMap((i) => ('outcome' in i ? validated(i.outcome) : []));
    expect(events.map((e) => e.type)).toEqual(['DataProductPublished', 'ChampionGained', 'ChampionGained']);
  });

  it('refuses a body that is neither a ChangeEvent nor a data list', () => {
    expect(() => mapOpenMetadataWebhook({ nope: true }, context)).toThrow(
      expect.objectContaining({ code: 'MM_ERR_ADAPTER_PAYLOAD_INVALID', field: '(body)' }),
    );
  });
});
