import { ConfigError } from '@mesh-momentum/common';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
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
    app.setErrorHandler((error: AdminUnauthenticatedError, _request, reply) =>
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

  it('lets every request through when no token is configured', async () => {
    const app = await appWith([]);
    expect((await app.inject({ method: 'POST', url: '/write' })).statusCode).toBe(200);
    await app.close();
  });
});
