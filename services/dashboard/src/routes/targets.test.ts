import fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { EMPTY_ALERT_BOARD } from '../alerts.ts';
import { adminTokenList, generateToken, type StoredToken } from '@mesh-momentum/service-kit';
import { installErrorReplies } from '@mesh-momentum/service-kit';
import { registerTargetRoutes } from './targets.ts';
import type { DashboardStore } from '../store-access.ts';

/**
 * Who may write targets. The scope asked for is not in the (empty) snapshot, so a write that passes
 * the guard ends in 404 before the store is reached: these tests need no Redis (the integration tests
 * store targets for real).
 */
const target = { metric: 'momentum', level: 60, date: '2027-03-31' };

async function appWith(writes: boolean, adminTokens: readonly StoredToken[]) {
  const app = fastify();
  installErrorReplies(app);
  registerTargetRoutes(app, {
    store: {} as DashboardStore,
    cache: {
      current: {
        namespace: 'v1',
        generation: 1,
        mesh: undefined,
        domains: [],
        products: [],
        byId: new Map(),
        alerts: EMPTY_ALERT_BOARD,
      },
    },
    clock: () => 0,
    onChange: () => undefined,
    writes,
    adminTokens,
  });
  await app.ready();
  return app;
}

const put = (app: Awaited<ReturnType<typeof appWith>>, authorization?: string) =>
  app.inject({
    method: 'PUT',
    url: '/api/targets?scope=domain:nowhere',
    payload: target,
    headers: authorization === undefined ? {} : { authorization },
  });

describe('target writes', () => {
  const { token, hash } = generateToken('lead');
  const tokens = adminTokenList.parse(`lead=${hash}`);

  it('need a configured admin token: none, a malformed or an unknown one is 401 with WWW-Authenticate', async () => {
    const app = await appWith(true, tokens);
    for (const authorization of [undefined, 'Basic abc', `Bearer lead.not-the-secret`, `Bearer other.x`]) {
      const res = await put(app, authorization);
      expect(res.statusCode, String(authorization)).toBe(401);
      expect(res.json()).toMatchObject({ code: 'MM_ERR_ADMIN_UNAUTHENTICATED', retriable: false });
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
    const del = await app.inject({ method: 'DELETE', url: '/api/targets?scope=domain:x&metric=value' });
    expect(del.statusCode).toBe(401);
    // With the token, the write gets past the guard to the scope check.
    const ok = await put(app, `Bearer ${token}`);
    expect(ok.statusCode).toBe(404);
    expect(ok.json()).toMatchObject({ code: 'MM_ERR_SCOPE_NOT_FOUND' });
    await app.close();
  });

  it('are open without configured tokens (a loopback dashboard: the config refuses any other)', async () => {
    const app = await appWith(true, []);
    expect((await put(app)).statusCode).toBe(404);
    await app.close();
  });

  it('are refused with 403 on a read-only dashboard, token or not', async () => {
    const app = await appWith(false, tokens);
    for (const authorization of [undefined, `Bearer ${token}`]) {
      const res = await put(app, authorization);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'MM_ERR_TARGET_WRITES_DISABLED' });
    }
    await app.close();
  });
});
