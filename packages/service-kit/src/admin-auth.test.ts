import { ConfigError } from '@mesh-momentum/common';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { AdminHostRefusedError } from './admin-auth.ts';
import {
  adminAuthHook,
  AdminUnauthenticatedError,
  adminTokenList,
  assertAdminWritesProtected,
  generateToken,
  TokenVerifier,
  type StoredToken,
} from './admin-auth.ts';

function configured(id: string): { token: string; stored: StoredToken } {
  const { token, hash } = generateToken(id);
  const parsed = adminTokenList.parse(`${id}=${hash}`);
  return { token, stored: parsed[0] as StoredToken };
}

describe('adminTokenList', () => {
  it('reads comma-separated id=hash entries and skips blanks', () => {
    const a = generateToken('a');
    const b = generateToken('b-2');
    const tokens = adminTokenList.parse(` a=${a.hash} , ,b-2=${b.hash}`);
    expect(tokens.map((t) => t.id)).toEqual(['a', 'b-2']);
    expect(adminTokenList.parse('')).toEqual([]);
  });

  it.each([
    ['sha256:00:11', 'must start with a token id'],
    ['ops=sha256:zz:11', '(ops) must be <id>=sha256'],
    ['bad id=sha256:00:11', 'must start with a token id'],
  ])('refuses %s naming the entry', (text, reason) => {
    const result = adminTokenList.safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(reason);
  });

  it('refuses a token id configured twice', () => {
    const a = generateToken('a');
    const result = adminTokenList.safeParse(`a=${a.hash},a=${a.hash}`);
    expect(result.error?.issues[0]?.message).toBe('token id a appears twice');
  });
});

describe('TokenVerifier', () => {
  it('accepts the token it was made for and refuses a changed secret, an unknown id and bad shapes', () => {
    const { token, stored } = configured('ops');
    const verifier = new TokenVerifier([stored]);
    expect(verifier.verify(`Bearer ${token}`).id).toBe('ops');
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    for (const header of [
      `Bearer ${token.slice(0, -1)}${last}`,
      `Bearer other.${token.split('.')[1]}`,
      token,
      '',
      undefined,
    ]) {
      expect(() => verifier.verify(header)).toThrow(AdminUnauthenticatedError);
    }
  });
});

describe('assertAdminWritesProtected', () => {
  const names = { hostVariable: 'MM_X_HTTP_HOST', tokensVariable: 'MM_X_ADMIN_TOKENS' };

  it('allows open writes on loopback only', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '127.1.2.3'])
      expect(() => assertAdminWritesProtected({ ...names, host, tokens: [] })).not.toThrow();
    expect(() => assertAdminWritesProtected({ ...names, host: '0.0.0.0', tokens: [] })).toThrow(ConfigError);
    expect(() => assertAdminWritesProtected({ ...names, host: '0.0.0.0', tokens: [] })).toThrow(
      /MM_X_ADMIN_TOKENS: must hold at least one admin token when MM_X_HTTP_HOST=0.0.0.0/,
    );
  });

  it('allows any host once a token is configured', () => {
    const { stored } = configured('ops');
    expect(() => assertAdminWritesProtected({ ...names, host: '0.0.0.0', tokens: [stored] })).not.toThrow();
  });
});

describe('adminAuthHook', () => {
  async function appWith(tokens: readonly StoredToken[]) {
    const app = Fastify();
    app.setErrorHandler((error: AdminUnauthenticatedError | AdminHostRefusedError, _request, reply) =>
      reply.status(error.httpStatus ?? 500).send({ code: error.code }),
    );
    app.post('/write', { onRequest: adminAuthHook(tokens) }, async () => ({ ok: true }));
    await app.ready();
    return app;
  }

  it('answers 401 with the code without a token, and passes a configured one', async () => {
    const { token, stored } = configured('ops');
    const app = await appWith([stored]);
    const refused = await app.inject({ method: 'POST', url: '/write' });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toEqual({ code: 'MM_ERR_ADMIN_UNAUTHENTICATED' });
    const allowed = await app.inject({
      method: 'POST',
      url: '/write',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(allowed.statusCode).toBe(200);
    await app.close();
  });

  it('answers 401 with WWW-Authenticate: Bearer to a missing or unknown token', async () => {
    const { stored } = configured('ops');
    const app = await appWith([stored]);
    const refused = await app.inject({
      method: 'POST',
      url: '/write',
      headers: { authorization: 'Bearer ops.x' },
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer');
    await app.close();
  });

  it('without tokens, lets through writes that name a loopback Host', async () => {
    const app = await appWith([]);
    for (const host of ['localhost', 'localhost:8091', '127.0.0.1:8091', '127.1.2.3', '[::1]:8090']) {
      const res = await app.inject({ method: 'POST', url: '/write', headers: { host } });
      expect(res.statusCode, host).toBe(200);
    }
    await app.close();
  });

  it('without tokens, refuses a write naming any other Host: a DNS-rebinding page reaches loopback under its own name', async () => {
    const app = await appWith([]);
    for (const host of [
      'evil.example',
      'evil.example:8091',
      '127.0.0.1.evil.example',
      '10.0.0.1:8091',
      'localhost.evil.example',
    ]) {
      const res = await app.inject({ method: 'POST', url: '/write', headers: { host } });
      expect(res.statusCode, host).toBe(403);
      expect(res.json(), host).toEqual({ code: 'MM_ERR_ADMIN_HOST_REFUSED' });
    }
    await app.close();
  });

  it('without tokens, refuses a write a proxy forwarded, whatever its Host', async () => {
    const app = await appWith([]);
    for (const headers of [{ 'x-forwarded-for': '203.0.113.7' }, { forwarded: 'for=203.0.113.7' }]) {
      const res = await app.inject({
        method: 'POST',
        url: '/write',
        headers: { host: '127.0.0.1:8090', ...headers },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ code: 'MM_ERR_ADMIN_HOST_REFUSED' });
    }
    await app.close();
  });

  it('with tokens, judges the token and not the Host (a proxy may pass its public name)', async () => {
    const { token, stored } = configured('ops');
    const app = await appWith([stored]);
    const res = await app.inject({
      method: 'POST',
      url: '/write',
      headers: { host: 'dashboard.example.com', authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(200);
    await app.close();
  });
});
