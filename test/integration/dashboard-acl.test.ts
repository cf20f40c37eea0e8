import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@mesh-momentum/common';
import { DashboardService, loadDashboardConfig } from '@mesh-momentum/dashboard';
import { DEFAULT_SCORING_CONFIG, type ScoringEvent } from '@mesh-momentum/scoring';
import { INITIAL_NAMESPACE, keys, type KeySpace } from '@mesh-momentum/store';
import { ScoreStore } from '@mesh-momentum/store-writer';
import { startPrivateRedis, waitFor, type PrivateRedis } from '@mesh-momentum/testing';
import { byDomain } from './support/store-harness.ts';

/**
 * The read-only ACL user of docs/dashboard.md, taken from the page itself, on a Redis of this test's own
 * (ACL changes must not touch the shared one): the dashboard runs with it and sets targets, and a
 * write to the contract's keys is refused.
 */
const doc = readFileSync(new URL('../../docs/dashboard.md', import.meta.url), 'utf8');
const aclCommand = /```\n(ACL SETUSER dashboard[\s\S]*?)\n```/.exec(doc)?.[1]?.replace(/\\\n\s*/g, '') ?? '';

describe('the dashboard with the documented read-only Redis user', () => {
  let server: PrivateRedis;
  let admin: Redis;
  let reader: Redis;
  let service: DashboardService;
  let store: ScoreStore;
  let epoch: number;
  const ks: KeySpace = { prefix: 'mm', namespace: INITIAL_NAMESPACE };
  const event = (id: string): ScoringEvent => ({
    id,
    source: 'urn:test',
    domain: 'payments',
    type: 'ChampionGained',
    timeMs: Date.now() - 86_400_000,
    personId: id,
    role: 'champion',
  });

  beforeAll(async () => {
    server = await startPrivateRedis();
    admin = new Redis(server.url);
    await admin.set(keys.namespacePointer(ks.prefix), ks.namespace);
    store = new ScoreStore(admin, ks, DEFAULT_SCORING_CONFIG);
    epoch = await store.takeEpoch('acl', 0);
    await store.applyPartitionBatch({
      topic: 'acl',
      partition: 0,
      epoch,
      asOfMs: Date.now(),
      byDomain: byDomain([event('e1')], 0),
    });
    expect(aclCommand).toMatch(/^ACL SETUSER dashboard /);
    const args = aclCommand.replace('<password>', 'pw-of-test').split(/\s+/).slice(1);
    await admin.call('ACL', ...args);
    const url = new URL(server.url);
    url.username = 'dashboard';
    url.password = 'pw-of-test';
    reader = new Redis(url.toString());
    service = new DashboardService({
      redis: reader,
      keyPrefix: ks.prefix,
      scoring: DEFAULT_SCORING_CONFIG,
      config: loadDashboardConfig({
        MM_DASHBOARD_HTTP_PORT: '0',
        MM_DASHBOARD_REFRESH_MS: '60000',
        MM_DASHBOARD_DEBOUNCE_MS: '10',
      }).dashboard,
      logger: createLogger({ name: 'test', level: 'warn' }),
    });
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
    reader?.disconnect();
    admin?.disconnect();
    await server?.stop();
  });

  it('reads the scores, subscribes to changes and stores targets', async () => {
    const app = await service.start();
    const overview = (await app.inject({ url: '/api/overview' })).json() as { domains: { domain: string }[] };
    expect(overview.domains.map((d) => d.domain)).toEqual(['payments']);
    const put = await app.inject({
      method: 'PUT',
      url: '/api/targets?scope=domain:payments',
      payload: { metric: 'value', level: 30, date: '2027-06-30' },
    });
    expect(put.statusCode).toBe(200);
    expect((await app.inject({ url: '/api/domains/payments' })).json()).toMatchObject({
      targets: [{ metric: 'value', level: 30 }],
    });
  });

  it('cannot write the contract’s keys', async () => {
    await expect(
      reader.hset(keys.scopeScore(ks, 'payments', { kind: 'domain' }), 'momentum', '100'),
    ).rejects.toThrow(/NOPERM/);
    await expect(reader.set(keys.namespacePointer(ks.prefix), 'v9')).rejects.toThrow(/NOPERM/);
  });

  it('starts without the right to subscribe, and follows the scores by its timed refresh', async () => {
    // The documented user without its channels: the change feed cannot start (as when Redis refuses
    // the subscription for any other reason); reads still work.
    const withoutChannels = aclCommand
      .replace('ACL SETUSER dashboard ', 'ACL SETUSER dashboard-nosub ')
      .replace(/ &\S+| \+subscribe| \+unsubscribe/g, '');
    expect(withoutChannels).not.toMatch(/subscribe|&/);
    await admin.call('ACL', ...withoutChannels.replace('<password>', 'pw-of-test').split(/\s+/).slice(1));
    const url = new URL(server.url);
    url.username = 'dashboard-nosub';
    url.password = 'pw-of-test';
    const client = new Redis(url.toString());
    const polling = new DashboardService({
      redis: client,
      keyPrefix: ks.prefix,
      scoring: DEFAULT_SCORING_CONFIG,
      config: loadDashboardConfig({ MM_DASHBOARD_HTTP_PORT: '0', MM_DASHBOARD_REFRESH_MS: '100' }).dashboard,
      logger: createLogger({ name: 'test', level: 'silent' }),
    });
    try {
      const app = await polling.start();
      const events = async () =>
        ((await app.inject({ url: '/api/overview' })).json() as { domains: { eventCount: number }[] })
          .domains[0]?.eventCount;
      const before = (await events()) ?? 0;
      expect(before).toBeGreaterThan(0);
      expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
      await store.applyPartitionBatch({
        topic: 'acl',
        partition: 0,
        epoch,
        asOfMs: Date.now(),
        byDomain: byDomain([event('e-polled')], 100),
      });
      await waitFor(async () => ((await events()) === before + 1 ? true : undefined), {
        timeoutMs: 10_000,
        intervalMs: 20,
        what: 'the timed refresh to read the new event',
      });
    } finally {
      await polling.stop();
      client.disconnect();
    }
  });
});
