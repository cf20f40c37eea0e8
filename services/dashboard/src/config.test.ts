import { describe, expect, it } from 'vitest';
import { ConfigError } from '@mesh-momentum/common';
import { DEFAULT_HTTP_SERVER_SETTINGS, generateToken } from '@mesh-momentum/service-kit';
import { loadDashboardConfig } from './config.ts';

describe('dashboard config', () => {
  it('has documented defaults', () => {
    expect(loadDashboardConfig({}).dashboard).toEqual({
      httpHost: '127.0.0.1',
      httpPort: 8090,
      ...DEFAULT_HTTP_SERVER_SETTINGS,
      refreshMs: 5000,
      debounceMs: 100,
      targetWrites: true,
      metricsProducts: 0,
      adminTokens: [],
      readTokens: [],
      answerCache: { maxEntries: 1000, maxBytes: 67_108_864 },
      sse: { maxClients: 1000, maxPerClient: 10, highWaterBytes: 1_048_576, heartbeatMs: 15_000 },
    });
  });

  it('reads the trusted proxies and timeouts of its HTTP server under its prefix', () => {
    const dashboard = loadDashboardConfig({
      MM_DASHBOARD_TRUST_PROXY: '10.0.0.0/8',
      MM_DASHBOARD_CONNECTION_TIMEOUT_MS: '2000',
    }).dashboard;
    expect(dashboard.trustProxy.addresses).toEqual(['10.0.0.0/8']);
    expect(dashboard.trustProxy.trusts('10.1.2.3', 0)).toBe(true);
    expect(dashboard.connectionTimeoutMs).toBe(2000);
  });

  it('names every bad or unknown variable under its prefix, and leaves other services’ alone', () => {
    try {
      loadDashboardConfig({
        MM_DASHBOARD_HTTP_PORT: '70000',
        MM_DASHBOARD_REFRESH: '1',
        MM_PROCESSOR_X: '1',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.map((i) => i.field).sort()).toEqual([
        'MM_DASHBOARD_HTTP_PORT',
        'MM_DASHBOARD_REFRESH',
      ]);
    }
  });

  it('reads admin tokens, and refuses open target writes beyond loopback at start-up', () => {
    const { hash } = generateToken('lead');
    const withToken = loadDashboardConfig({
      MM_DASHBOARD_HTTP_HOST: '0.0.0.0',
      MM_DASHBOARD_ADMIN_TOKENS: `lead=${hash}`,
    }).dashboard;
    expect(withToken.adminTokens.map((t) => t.id)).toEqual(['lead']);
    try {
      loadDashboardConfig({ MM_DASHBOARD_HTTP_HOST: '0.0.0.0' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const [issue] = (error as ConfigError).issues;
      expect(issue?.field).toBe('MM_DASHBOARD_ADMIN_TOKENS');
      expect(issue?.reason).toContain('MM_DASHBOARD_HTTP_HOST=0.0.0.0');
    }
    // Read-only, or on loopback: no token needed.
    expect(
      loadDashboardConfig({ MM_DASHBOARD_HTTP_HOST: '0.0.0.0', MM_DASHBOARD_TARGET_WRITES: 'false' })
        .dashboard.targetWrites,
    ).toBe(false);
    expect(loadDashboardConfig({ MM_DASHBOARD_HTTP_HOST: '::1' }).dashboard.adminTokens).toEqual([]);
  });

  it('refuses as the auth proxy user header one that every proxied request carries', () => {
    for (const header of ['X-Forwarded-For', 'host', 'Authorization'])
      expect(() =>
        loadDashboardConfig({
          MM_DASHBOARD_AUTH_USER_HEADER: header,
          MM_DASHBOARD_TRUST_PROXY: '10.0.0.0/8',
        }),
      ).toThrow(/MM_DASHBOARD_AUTH_USER_HEADER.*not one every request carries/);
  });

  it('names a malformed admin token entry', () => {
    expect(() => loadDashboardConfig({ MM_DASHBOARD_ADMIN_TOKENS: 'lead=plain-text' })).toThrow(
      /MM_DASHBOARD_ADMIN_TOKENS/,
    );
  });
});
