import fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  adminTokenList,
  generateToken,
  installErrorReplies,
  NO_TRUSTED_PROXIES,
  trustedProxies,
} from '@mesh-momentum/service-kit';
import { installReadAccess, type ReadAccess } from './read-access.ts';

const reader = generateToken('grafana');
const admin = generateToken('lead');
const readTokens = adminTokenList.parse(`grafana=${reader.hash}`);
const adminTokens = adminTokenList.parse(`lead=${admin.hash}`);

/** An app with one API read and the probes, behind the read guard; `/api/who` tells who it saw. */
async function appWith(access: Partial<ReadAccess>) {
  const app = fastify();
  installErrorReplies(app);
  installReadAccess(app, {
    readTokens: [],
    adminTokens: [],
    userHeader: undefined,
    trustProxy: NO_TRUSTED_PROXIES,
    ...access,
  });
  app.get('/api/who', async (request) => request.reader ?? {});
  app.get('/metrics/scores', async () => 'mm_score_momentum{scope_kind="mesh"} 50\n');
  app.get('/healthz', async () => ({ status: 'ok' }));
  await app.ready();
  return app;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('dashboard read access', () => {
  it('leaves reads open when only admin tokens are configured, and names the admin token', async () => {
    const app = await appWith({ adminTokens });
    expect((await app.inject({ url: '/api/who' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/who', headers: bearer(admin.token) })).json()).toEqual({
      tokenId: 'lead',
    });
  });

  it('with read tokens, refuses a read without a known token (401 naming authorization) and keeps probes open', async () => {
    const app = await appWith({ readTokens, adminTokens });
    for (const headers of [{}, bearer('grafana.wrong'), { authorization: 'Basic x' }]) {
      const res = await app.inject({ url: '/api/who', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'MM_ERR_DASHBOARD_UNAUTHENTICATED', field: 'authorization' });
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
    expect((await app.inject({ url: '/api/who', headers: bearer(reader.token) })).json()).toEqual({
      tokenId: 'grafana',
    });
    expect((await app.inject({ url: '/api/who', headers: bearer(admin.token) })).statusCode).toBe(200);
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    // The scores for Prometheus are scores too: the scrape job sends the token.
    expect((await app.inject({ url: '/metrics/scores' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/metrics/scores', headers: bearer(reader.token) })).statusCode).toBe(
      200,
    );
  });

  it('believes an auth proxy’s user header from a trusted proxy address only', async () => {
    const app = await appWith({
      userHeader: 'x-forwarded-user',
      trustProxy: trustedProxies.parse('10.0.0.0/8'),
    });
    const headers = { 'x-forwarded-user': 'alice@example.com' };
    const viaProxy = await app.inject({ url: '/api/who', remoteAddress: '10.0.0.5', headers });
    expect(viaProxy.json()).toEqual({ user: 'alice@example.com' });
    const direct = await app.inject({ url: '/api/who', remoteAddress: '192.0.2.9', headers });
    expect(direct.statusCode).toBe(401);
    const noUser = await app.inject({ url: '/api/who', remoteAddress: '10.0.0.5' });
    expect(noUser.statusCode).toBe(401);
  });
});
