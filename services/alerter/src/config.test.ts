import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@mesh-momentum/common';
import { generateToken } from '@mesh-momentum/service-kit';
import { loadAlerterConfig } from './config.ts';
import { retryDelayMs } from './alerter.ts';
import { parseDuration } from './duration.ts';

describe('alerter configuration', () => {
  it('has documented defaults: every channel off, product alerts on', () => {
    const c = loadAlerterConfig({}).alerter;
    expect(c.httpPort).toBe(8091);
    expect(c.alertmanagerUrl).toBeUndefined();
    expect(c.webhookUrl).toBeUndefined();
    expect(c.alerting.rules.map((r) => [r.name, r.enabled, r.forMs, r.keepFiringForMs])).toEqual([
      ['DomainMomentumStalled', true, 600_000, 21_600_000],
      ['ProductMomentumStalled', true, 600_000, 21_600_000],
      ['MeshMomentumStalled', true, 600_000, 21_600_000],
    ]);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads every variable and names each bad or unknown one', () => {
    const c = loadAlerterConfig({
      MM_ALERTER_ALERTMANAGER_URL: 'http://127.0.0.1:19094/',
      MM_ALERTER_PRODUCT_ALERTS: 'false',
      MM_ALERTER_FOR_MS: '0',
      MM_ALERTER_GROUP_BY: 'ownerTeam',
      MM_ALERTER_WEBHOOK_SECRET: 'whsec_YWJjZA== whsec_ZWZnaA==',
      MM_ALERTER_TRUST_PROXY: '127.0.0.1',
      MM_ALERTER_REQUEST_TIMEOUT_MS: '20000',
    }).alerter;
    expect(c.trustProxy.trusts('127.0.0.1', 0)).toBe(true);
    expect(c.requestTimeoutMs).toBe(20_000);
    expect(c.alertmanagerUrl).toBe('http://127.0.0.1:19094');
    expect(c.alerting.rules.find((r) => r.scopeKind === 'product')?.enabled).toBe(false);
    expect(c.alerting.rules.every((r) => r.forMs === 0)).toBe(true);
    expect(c.alerting.groupBy).toBe('ownerTeam');
    expect(c.webhookSecrets).toEqual(['whsec_YWJjZA==', 'whsec_ZWZnaA==']);
    try {
      loadAlerterConfig({
        MM_ALERTER_HTTP_PORT: 'x',
        MM_ALERTER_TYPO: '1',
        MM_ALERTER_WEBHOOK_URL: 'ftp://x',
        MM_ALERTER_WEBHOOK_SECRET: 'not-a-secret',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.map((i) => i.field).sort()).toEqual([
        'MM_ALERTER_HTTP_PORT',
        'MM_ALERTER_TYPO',
        'MM_ALERTER_WEBHOOK_SECRET',
        'MM_ALERTER_WEBHOOK_URL',
      ]);
    }
  });

  it('refuses writes open beyond loopback: tokens, or read-only, or loopback', () => {
    expect(() => loadAlerterConfig({ MM_ALERTER_HTTP_HOST: '0.0.0.0' })).toThrow(
      /MM_ALERTER_ADMIN_TOKENS: must hold at least one admin token when MM_ALERTER_HTTP_HOST=0\.0\.0\.0/,
    );
    const { hash } = generateToken('lead');
    const withToken = loadAlerterConfig({
      MM_ALERTER_HTTP_HOST: '0.0.0.0',
      MM_ALERTER_ADMIN_TOKENS: `lead=${hash}`,
    });
    expect(withToken.alerter.adminTokens.map((t) => t.id)).toEqual(['lead']);
    expect(withToken.alerter.adminWrites).toBe(true);
    const readOnly = loadAlerterConfig({ MM_ALERTER_HTTP_HOST: '0.0.0.0', MM_ALERTER_ADMIN_WRITES: 'false' });
    expect(readOnly.alerter.adminWrites).toBe(false);
    expect(loadAlerterConfig({ MM_ALERTER_HTTP_HOST: '::1' }).alerter.adminTokens).toEqual([]);
    expect(() => loadAlerterConfig({ MM_ALERTER_ADMIN_TOKENS: 'lead=plain' })).toThrow(
      /MM_ALERTER_ADMIN_TOKENS/,
    );
  });

  it('refuses a lease shorter than twice the delivery bound (no send could start safely)', () => {
    expect(() =>
      loadAlerterConfig({ MM_ALERTER_LEASE_TTL_MS: '9000', MM_ALERTER_DELIVERY_TIMEOUT_MS: '5000' }),
    ).toThrow(/MM_ALERTER_LEASE_TTL_MS: must be at least twice MM_ALERTER_DELIVERY_TIMEOUT_MS/);
    expect(
      loadAlerterConfig({ MM_ALERTER_LEASE_TTL_MS: '10000', MM_ALERTER_DELIVERY_TIMEOUT_MS: '5000' }).alerter
        .leaseTtlMs,
    ).toBe(10_000);
  });

  it('is ignored by a service that does not load it, and never prints a webhook secret', () => {
    expect(() => loadConfig({ MM_ALERTER_TYPO: '1' })).not.toThrow();
    try {
      loadAlerterConfig({ MM_ALERTER_CHAT_WEBHOOK_URL: 'nope://hooks.example.com/T000/SECRETTOKEN' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain('MM_ALERTER_CHAT_WEBHOOK_URL');
      expect((error as Error).message).not.toContain('SECRETTOKEN');
    }
  });
});

describe('retry back-off', () => {
  it('doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4, 10, 100].map((n) => retryDelayMs(n, 1_000, 60_000))).toEqual([
      1_000, 2_000, 4_000, 8_000, 60_000, 60_000,
    ]);
  });
});

describe('silence CLI durations', () => {
  it.each([
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
    ['45s', 45_000],
    ['2w', undefined],
    ['h', undefined],
  ])('%s → %s ms', (text, ms) => expect(parseDuration(text)).toBe(ms));
});
