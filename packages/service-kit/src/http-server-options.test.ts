import { ConfigError, defineConfigSection, loadConfig } from '@mesh-momentum/common';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HTTP_SERVER_SETTINGS,
  fastifyServerOptions,
  fromTrustedProxy,
  httpServerSettings,
  httpServerVariables,
  type HttpServerSettings,
} from './http-server-options.ts';
import { createOpsServer } from './ops-server.ts';

const SECTION = defineConfigSection({
  name: 'probe',
  prefix: 'MM_DASHBOARD_',
  variables: httpServerVariables('MM_DASHBOARD_'),
  build: (get) => httpServerSettings('MM_DASHBOARD_', get),
});
const settingsFrom = (env: Record<string, string>): HttpServerSettings => loadConfig(env, SECTION).probe;

/** The ops server every service builds on, with a route telling who the client is. */
async function serverWith(settings: HttpServerSettings) {
  const app = createOpsServer(
    { live: () => true, ready: async () => ({ ready: true, checks: {} }) },
    new Registry(),
    { http: settings },
  );
  app.get('/whoami', async (request) => ({
    ip: request.ip,
    protocol: request.protocol,
    viaProxy: fromTrustedProxy(settings.trustProxy, request),
  }));
  await app.ready();
  return app;
}

const CLIENT = '203.0.113.7';
const forwarded = { 'x-forwarded-for': `198.51.100.1, ${CLIENT}`, 'x-forwarded-proto': 'https' };

describe('trusted proxies', () => {
  it('takes the client from X-Forwarded-For when the peer is a configured proxy address or range', async () => {
    for (const trusted of ['10.0.0.5', '10.0.0.0/8', '127.0.0.1,10.0.0.0/8', 'uniquelocal']) {
      const app = await serverWith(settingsFrom({ MM_DASHBOARD_TRUST_PROXY: trusted }));
      const res = await app.inject({ url: '/whoami', remoteAddress: '10.0.0.5', headers: forwarded });
      expect(res.json(), trusted).toEqual({ ip: CLIENT, protocol: 'https', viaProxy: true });
      await app.close();
    }
  });

  it('ignores X-Forwarded-* from a peer outside the configured proxies, and by default from everyone', async () => {
    for (const settings of [
      settingsFrom({ MM_DASHBOARD_TRUST_PROXY: '10.0.0.0/8' }),
      DEFAULT_HTTP_SERVER_SETTINGS,
    ]) {
      const app = await serverWith(settings);
      const res = await app.inject({ url: '/whoami', remoteAddress: '192.0.2.9', headers: forwarded });
      expect(res.json()).toEqual({ ip: '192.0.2.9', protocol: 'http', viaProxy: false });
      await app.close();
    }
  });

  it('trusts only as far back as the chain of trusted proxies goes', async () => {
    const app = await serverWith(settingsFrom({ MM_DASHBOARD_TRUST_PROXY: '10.0.0.0/8' }));
    // The client put a fake address first; the trusted proxy appended the one it saw.
    const res = await app.inject({
      url: '/whoami',
      remoteAddress: '10.0.0.5',
      headers: { 'x-forwarded-for': `1.2.3.4, ${CLIENT}` },
    });
    expect(res.json<{ ip: string }>().ip).toBe(CLIENT);
    await app.close();
  });

  it.each([
    ['1', 'not a flag or a hop count'],
    ['true', 'not a flag or a hop count'],
    ['10.0.0.0/99', 'expected IP addresses or CIDR ranges'],
    ['proxy.example', 'expected IP addresses or CIDR ranges'],
  ])('refuses %s, naming the variable', (value, reason) => {
    try {
      settingsFrom({ MM_DASHBOARD_TRUST_PROXY: value });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const issue = (error as ConfigError).issues[0];
      expect(issue?.field).toBe('MM_DASHBOARD_TRUST_PROXY');
      expect(issue?.reason).toContain(reason);
    }
  });
});

describe('HTTP server timeouts', () => {
  it('has documented defaults, handed to fastify and to Node at creation', () => {
    expect(settingsFrom({})).toEqual(DEFAULT_HTTP_SERVER_SETTINGS);
    expect(fastifyServerOptions(DEFAULT_HTTP_SERVER_SETTINGS, () => undefined)).toMatchObject({
      trustProxy: false,
      connectionTimeout: 10_000,
      keepAliveTimeout: 72_000,
      requestTimeout: 30_000,
      http: { requestTimeout: 30_000, headersTimeout: 10_000 },
    });
  });

  it('refuses a headers timeout above the request timeout, naming the variable', () => {
    expect(() =>
      settingsFrom({ MM_DASHBOARD_REQUEST_TIMEOUT_MS: '5000', MM_DASHBOARD_HEADERS_TIMEOUT_MS: '6000' }),
    ).toThrow(/MM_DASHBOARD_HEADERS_TIMEOUT_MS: must be at most MM_DASHBOARD_REQUEST_TIMEOUT_MS/);
  });
});
