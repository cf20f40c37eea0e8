import { describe, expect, it } from 'vitest';
import { generateToken, parseTokenHash } from '@mesh-momentum/service-kit';
import {
  checkScope,
  checkSource,
  requireAdmin,
  tokenSources,
  TokenVerifier,
  type ApiToken,
} from './tokens.ts';

function tokenFor(
  id: string,
  scope: Partial<Pick<ApiToken, 'eventTypes' | 'domains' | 'admin'>> & { sources?: string[] } = {},
) {
  const { token, hash } = generateToken(id);
  const parsed = parseTokenHash(hash);
  if (!parsed) throw new Error('generated hash does not parse');
  const api: ApiToken = {
    id,
    ...parsed,
    eventTypes: scope.eventTypes ?? new Set(['*']),
    domains: scope.domains ?? new Set(['*']),
    admin: scope.admin ?? false,
    ...tokenSources(id, scope.sources),
  };
  return { token, hash, api };
}

describe('API tokens', () => {
  it('verifies a generated token and stores only a salted hash', () => {
    const { token, hash, api } = tokenFor('payments-ci');
    expect(hash).toMatch(/^sha256:[0-9a-f]{32}:[0-9a-f]{64}$/);
    expect(hash).not.toContain(token.split('.')[1]);
    expect(new TokenVerifier([api]).verify(`Bearer ${token}`).id).toBe('payments-ci');
  });

  it('hashes the same secret differently under two salts', () => {
    expect(generateToken('a').hash).not.toBe(generateToken('a').hash);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['not bearer', 'Basic abc'],
    ['no secret', 'Bearer payments-ci'],
    ['unknown id', 'Bearer nobody.secret'],
  ])('refuses a %s header with 401 naming authorization', (_what, header) => {
    const { api } = tokenFor('payments-ci');
    expect(() => new TokenVerifier([api]).verify(header)).toThrow(
      expect.objectContaining({
        code: 'MM_ERR_INGEST_UNAUTHENTICATED',
        httpStatus: 401,
        field: 'authorization',
      }),
    );
  });

  it('refuses a known id with a wrong secret, including one differing in the last character', () => {
    const { token, api } = tokenFor('payments-ci');
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const verifier = new TokenVerifier([api]);
    expect(() => verifier.verify(`Bearer ${token.slice(0, -1)}${last}`)).toThrow(/unknown token/);
  });

  it('limits a token to its event types and domains (403 naming the field)', () => {
    const { api } = tokenFor('scoped', {
      eventTypes: new Set(['ChampionGained']),
      domains: new Set(['payments']),
    });
    expect(() => checkScope(api, 'ChampionGained', 'payments')).not.toThrow();
    expect(() => checkScope(api, 'UseCaseDelivered', 'payments')).toThrow(
      expect.objectContaining({ code: 'MM_ERR_INGEST_FORBIDDEN', httpStatus: 403, field: 'type' }),
    );
    expect(() => checkScope(api, 'ChampionGained', 'hr')).toThrow(
      expect.objectContaining({ field: 'domain' }),
    );
    expect(() => checkScope(api, 'ChampionGained', undefined)).toThrow(
      expect.objectContaining({ field: 'domain' }),
    );
  });

  it('binds a token without configured sources to its own URN (403 naming source for any other)', () => {
    const { api } = tokenFor('payments-ci');
    expect(checkSource(api, undefined)).toBe('urn:meshmomentum:token:payments-ci');
    expect(checkSource(api, 'urn:meshmomentum:token:payments-ci')).toBe('urn:meshmomentum:token:payments-ci');
    expect(() => checkSource(api, 'https://github.com/acme')).toThrow(
      expect.objectContaining({ code: 'MM_ERR_INGEST_FORBIDDEN', httpStatus: 403, field: 'source' }),
    );
  });

  it('lets a token use its configured sources, the first being the default, and any with "*"', () => {
    const { api } = tokenFor('bridge', { sources: ['https://jira.acme.example', 'https://ci.acme.example'] });
    expect(checkSource(api, undefined)).toBe('https://jira.acme.example');
    expect(checkSource(api, 'https://ci.acme.example')).toBe('https://ci.acme.example');
    expect(() => checkSource(api, 'urn:meshmomentum:token:bridge')).toThrow(/may not send events as/);
    const relay = tokenFor('relay', { sources: ['*'] }).api;
    expect(checkSource(relay, undefined)).toBe('urn:meshmomentum:token:relay');
    expect(checkSource(relay, 'https://github.com/acme')).toBe('https://github.com/acme');
    // Not a string: left for validation to refuse with 400 naming the field.
    expect(checkSource(api, 42)).toBe(42);
  });

  it('lets only admin tokens call admin endpoints', () => {
    expect(() => requireAdmin(tokenFor('a').api)).toThrow(expect.objectContaining({ httpStatus: 403 }));
    expect(() => requireAdmin(tokenFor('b', { admin: true }).api)).not.toThrow();
  });

  it('reads only well-formed stored hashes', () => {
    expect(parseTokenHash('sha256:00:' + 'a'.repeat(64))).toBeUndefined(); // salt too short
    expect(parseTokenHash('md5:' + 'a'.repeat(32) + ':' + 'a'.repeat(64))).toBeUndefined();
    expect(parseTokenHash('sha256:' + 'a'.repeat(32) + ':' + 'a'.repeat(63))).toBeUndefined();
  });
});
