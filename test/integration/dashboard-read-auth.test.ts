import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '@mesh-momentum/common';
import { DashboardService, loadDashboardConfig } from '@mesh-momentum/dashboard';
import { DEFAULT_SCORING_CONFIG } from '@mesh-momentum/scoring';
import { generateToken } from '@mesh-momentum/service-kit';
import { INITIAL_NAMESPACE, keys, type KeySpace } from '@mesh-momentum/store';
import { ScoreStore } from '@mesh-momentum/store-writer';
import { uniqueSuffix } from '@mesh-momentum/testing';
import { byDomain } from './support/store-harness.ts';

/**
 * Optional authentication of dashboard reads (docs/dashboard.md, "Authentication"): a read token, an
 * admin token, or the user an auth proxy on a trusted address names; target writes record who set them.
 */
describe('a dashboard whose reads need authentication', () => {
  const ks: KeySpace = { prefix: `test-read-auth-${uniqueSuffix()}`, namespace: INITIAL_NAMESPACE };
  const reader = generateToken('grafana');
  const admin = generateToken('lead');
  const PROXY = '10.0.0.5';
  let redis: Redis;
  let service: DashboardService;
  let app: Awaited<ReturnType<DashboardService['start']>>;

  beforeAll(async () => {
    redis = new Redis(inject('services').redisUrl);
    await redis.set(keys.namespacePointer(ks.prefix), ks.namespace);
    const store = new ScoreStore(redis, ks, DEFAULT_SCORING_CONFIG);
    const epoch = await store.takeEpoch('auth', 0);
    await store.applyPartitionBatch({
      topic: 'auth',
      partition: 0,
      epoch,
      asOfMs: Date.now(),
      byDomain: byDomain(
        [
          {
            id: 'e1',
            source: 'urn:test',
            domain: 'payments',
            type: 'ChampionGained',
            timeMs: Date.now() - 86_400_000,
            personId: 'p1',
            role: 'champion',
          },
        ],
        0,
      ),
    });
    service = new DashboardService({
      redis,
      keyPrefix: ks.prefix,
      scoring: DEFAULT_SCORING_CONFIG,
      config: loadDashboardConfig({
        MM_DASHBOARD_HTTP_PORT: '0',
        MM_DASHBOARD_REFRESH_MS: '60000',
        MM_DASHBOARD_READ_TOKENS: `grafana=${reader.hash}`,
        MM_DASHBOARD_ADMIN_TOKENS: `lead=${admin.hash}`,
        MM_DASHBOARD_TRUST_PROXY: '10.0.0.0/8',
        MM_DASHBOARD_AUTH_USER_HEADER: 'X-Forwarded-User',
      }).dashboard,
      logger: createLogger({ name: 'test', level: 'silent' }),
    });
    app = await service.start();
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
    const stale = await redis.keys(`${ks.prefix}*`);
    if (stale.length > 0) await redis.del(...stale);
    redis?.disconnect();
  });

  it('refuses a read with neither token nor proxy user (401, WWW-Authenticate), and keeps probes open', async () => {
    for (const authorization of [undefined, 'Bearer grafana.wrong', 'Bearer nobody.x']) {
      const res = await app.inject({
        url: '/api/overview',
        headers: authorization === undefined ? {} : { authorization },
      });
      expect(res.statusCode, String(authorization)).toBe(401);
      expect(res.json()).toMatchObject({ code: 'MM_ERR_DASHBOARD_UNAUTHENTICATED', field: 'authorization' });
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
    expect((await app.inject({ url: '/api/events' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('serves a read token and an admin token', async () => {
    for (const token of [reader.token, admin.token]) {
      const res = await app.inject({ url: '/api/overview', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(200);
    }
  });

  it('believes the auth proxy’s user header from a trusted proxy address only', async () => {
    const headers = { 'x-forwarded-user': 'alice@example.com' };
    const viaProxy = await app.inject({ url: '/api/overview', remoteAddress: PROXY, headers });
    expect(viaProxy.statusCode).toBe(200);
    const direct = await app.inject({ url: '/api/overview', remoteAddress: '192.0.2.9', headers });
    expect(direct.statusCode).toBe(401);
  });

  it('records who set a target: the proxy’s user, else the admin token', async () => {
    const put = (headers: Record<string, string>, remoteAddress?: string) =>
      app.inject({
        method: 'PUT',
        url: '/api/targets?scope=domain:payments',
        payload: { metric: 'value', level: 30, date: '2027-06-30' },
        headers: { authorization: `Bearer ${admin.token}`, ...headers },
        ...(remoteAddress === undefined ? {} : { remoteAddress }),
      });
    const targets = async () =>
      (await app.inject({ url: '/api/targets', headers: { authorization: `Bearer ${reader.token}` } })).json<{
        targets: { setBy?: string }[];
      }>().targets;

    const byUser = await put({ 'x-forwarded-user': 'alice@example.com' }, PROXY);
    expect(byUser.json()).toMatchObject({ setBy: 'alice@example.com' });
    expect((await targets()).map((t) => t.setBy)).toEqual(['alice@example.com']);

    expect((await put({})).statusCode).toBe(200);
    expect((await targets()).map((t) => t.setBy)).toEqual(['token:lead']);
    // A read token does not write.
    const refused = await put({ authorization: `Bearer ${reader.token}` });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'MM_ERR_ADMIN_UNAUTHENTICATED' });
  });
});
