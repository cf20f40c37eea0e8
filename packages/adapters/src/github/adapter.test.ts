import { describe, expect, it } from 'vitest';
import type { AdapterPayloadError } from '../errors.ts';
import { fixture, validated } from '../fixtures.test-support.ts';
import { parseIdentityConfig } from '../identity/config.ts';
import { createIdentityResolver } from '../identity/resolver.ts';
import type { AdapterContext } from '../outcome.ts';
import { mapGithubWebhook } from './adapter.ts';
import { githubReleaseEventId } from './event-ids.ts';

const load = (name: string): unknown => fixture(new URL(`./fixtures/${name}.json`, import.meta.url));
const RECEIVED_MS = Date.UTC(2026, 10, 30, 9, 12, 3);
const DELIVERY = '72d3162e-cc78-11e3-81ab-4c9367dc0958';

const context: AdapterContext = {
  source: 'https://github.com/acme-data',
  identity: createIdentityResolver(parseIdentityConfig('', 'identity.yaml')),
  receivedAtMs: RECEIVED_MS,
};

describe('mapGithubWebhook', () => {
  it('release published in a data-product repository → DataProductPublished, version from the tag', () => {
    const outcome = mapGithubWebhook(
      { event: 'release', deliveryId: DELIVERY, payload: load('release-published') },
      context,
    );
    const [event, ...rest] = validated(outcome);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      type: 'DataProductPublished',
      source: 'https://github.com/acme-data',
      subject: 'payments.orders-daily',
      productId: 'payments.orders-daily',
      domain: 'payments',
      name: 'orders-daily',
      version: '1.2.3',
      ownerTeam: 'payments-data',
      tier: 'critical',
      time: Date.parse('2026-11-30T09:12:00Z'),
    });
    expect(outcome.unmapped).toEqual([]);
  });

  it('derives the event id from the repository and release ids, never from the delivery', () => {
    const payload = load('release-published') as { release: { id: number }; repository: { id: number } };
    const first = mapGithubWebhook({ event: 'release', deliveryId: DELIVERY, payload }, context);
    const again = mapGithubWebhook(
      { event: 'release', deliveryId: 'a-new-delivery', payload },
      { ...context, receivedAtMs: RECEIVED_MS + 60_000 },
    );
    const otherRelease = { ...payload, release: { ...payload.release, id: payload.release.id + 1 } };
    const other = mapGithubWebhook(
      { event: 'release', deliveryId: DELIVERY, payload: otherRelease },
      context,
    );
    expect(again.events[0]!.id).toBe(first.events[0]!.id);
    expect(first.events[0]!.id).toBe(
      githubReleaseEventId(context.source, {
        repositoryId: payload.repository.id,
        releaseId: payload.release.id,
        action: 'published',
      }),
    );
    expect(other.events[0]!.id).not.toBe(first.events[0]!.id);
  });

  it('repository archived → DataProductRetired dated by the repository updated_at', () => {
    const payload = load('repository-archived') as { repository: { updated_at: string } };
    const outcome = mapGithubWebhook({ event: 'repository', deliveryId: DELIVERY, payload }, context);
    expect(validated(outcome)).toEqual([
      expect.objectContaining({
        type: 'DataProductRetired',
        productId: 'payments.orders-daily',
        domain: 'payments',
        reason: 'repository acme-data/orders-daily archived on GitHub',
        time: Date.parse(payload.repository.updated_at),
      }),
    ]);
  });

  it('ping is answered without events', () => {
    const outcome = mapGithubWebhook({ event: 'ping', deliveryId: DELIVERY, payload: load('ping') }, context);
    expect(outcome.events).toEqual([]);
    expect(outcome.ignored).toEqual({ code: 'ping', detail: 'ping for hook 489211306: Design for failure.' });
  });

  it.each([
    ['push', 'push', 'unsupported-event'],
    ['release', 'release-prerelease', 'unsupported-action'],
    ['repository', 'repository-unarchived', 'unsupported-action'],
  ])('ignores %s (%s)', (event, name, code) => {
    const outcome = mapGithubWebhook({ event, deliveryId: DELIVERY, payload: load(name) }, context);
    expect(outcome.events).toEqual([]);
    expect(outcome.ignored?.code).toBe(code);
  });

  it('lists a repository nobody mapped as unmapped, without events', () => {
    const outcome = mapGithubWebhook(
      { event: 'release', deliveryId: DELIVERY, payload: load('release-unmapped-repository') },
      context,
    );
    expect(outcome.events).toEqual([]);
    expect(outcome.ignored?.code).toBe('not-a-data-product');
    expect(outcome.unmapped).toEqual([
      expect.objectContaining({ status: 'unmapped', tool: 'github', ref: 'acme-data/infra-modules' }),
    ]);
  });

  it('an explicit identity entry wins over topics', () => {
    const identity = createIdentityResolver(
      parseIdentityConfig(
        'products:\n  - { tool: github, ref: acme-data/infra-modules, productId: platform.infra, domain: platform, ownerTeam: platform-team }\n',
        'identity.yaml',
      ),
    );
    const outcome = mapGithubWebhook(
      { event: 'release', deliveryId: DELIVERY, payload: load('release-unmapped-repository') },
      { ...context, identity },
    );
    expect(validated(outcome)).toEqual([
      expect.objectContaining({
        productId: 'platform.infra',
        domain: 'platform',
        ownerTeam: 'platform-team',
        tier: 'standard',
      }),
    ]);
  });

  it('names the missing field of a broken payload', () => {
    expect(() =>
      mapGithubWebhook({ event: 'release', deliveryId: DELIVERY, payload: { action: 'published' } }, context),
    ).toThrow(
      expect.objectContaining({
        code: 'MM_ERR_ADAPTER_PAYLOAD_INVALID',
        field: 'repository.full_name',
      }) as unknown as AdapterPayloadError,
    );
  });
});
