import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '@mesh-momentum/common';
import { INITIAL_NAMESPACE, keys } from '@mesh-momentum/store';
import { ensureAlertmanager, isolatedEnv, waitFor, type AlertmanagerService } from '@mesh-momentum/testing';
import { signGithubPayload } from '@mesh-momentum/webhook-auth';
import { DAY_MS, rhythm, ScoreDriver } from '../integration/support/alerter-harness.ts';
import { docker, IMAGE_UID, imageUnderTest, runOnce, ServiceContainer } from './container.ts';

/**
 * The image as production runs it: each service in its own container (`--network host --read-only
 * --user 10001`), against the shared Kafka, registry, Redis and Alertmanager. A signed GitHub webhook
 * through the containerised gateway, applied by the containerised processor, read back through the
 * containerised dashboard; the containerised alerter posting to Alertmanager; `cli emit`; and
 * `docker stop` ending every service with code 0 within its shutdown bound.
 */

const GITHUB_SECRET = randomBytes(16).toString('hex');
const release = readFileSync(
  new URL('../../packages/adapters/src/github/fixtures/release-published.json', import.meta.url),
  'utf8',
);

interface ScopeItem {
  readonly domain?: string;
  readonly productId?: string;
  readonly eventCount: number;
  readonly momentum: number;
}

describe('the image', () => {
  const image = imageUnderTest();
  // Every HTTP port 0: the containers share the host's network with other test runs.
  const env = isolatedEnv(inject('services'), {
    name: 'image',
    env: {
      MM_LOG_LEVEL: 'info',
      MM_PROCESSOR_HTTP_PORT: '0',
      MM_INGEST_HTTP_PORT: '0',
      MM_INGEST_OPS_PORT: '0',
      MM_INGEST_CONFIG_FILE: '/config/ingest.yaml',
      MM_DASHBOARD_HTTP_PORT: '0',
    },
  });
  const shutdownBoundMs = loadConfig(env).shutdownTimeoutMs;
  const configDir = mkdtempSync(join(tmpdir(), 'mm-image-'));
  const containers: ServiceContainer[] = [];
  let processor: ServiceContainer;
  let ingest: ServiceContainer;
  let dashboard: ServiceContainer;
  let redis: Redis;

  const dashboardGet = async <T>(url: string, path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5_000) });
    expect(response.status, path).toBe(200);
    return (await response.json()) as T;
  };

  beforeAll(async () => {
    redis = new Redis(env['MM_REDIS_URL']!);
    // The gateway's file, mounted read-only: the webhook secret, nothing else.
    const file = join(configDir, 'ingest.yaml');
    writeFileSync(
      file,
      `webhooks:\n  github: { source: 'https://github.com/acme-data', secrets: ['${GITHUB_SECRET}'] }\n`,
    );
    chmodSync(file, 0o644);
    chmodSync(configDir, 0o755);

    const created = await runOnce(['cli', 'topics', 'create'], env);
    expect(created.code, created.stderr).toBe(0);
    const registered = await runOnce(['cli', 'schemas', 'register'], env);
    expect(registered.code, registered.stderr).toBe(0);

    processor = await ServiceContainer.start('processor', env);
    ingest = await ServiceContainer.start('ingest', env, [`${file}:/config/ingest.yaml:ro`]);
    dashboard = await ServiceContainer.start('dashboard', env);
    containers.push(processor, ingest, dashboard);
  }, 180_000);

  afterAll(async () => {
    for (const container of containers) await container.remove();
    const leftovers = await redis.keys(`${env['MM_REDIS_KEY_PREFIX']}:*`);
    if (leftovers.length > 0) await redis.unlink(...leftovers);
    redis.disconnect();
    rmSync(configDir, { recursive: true, force: true });
  });

  it('carries its OCI labels and runs as the fixed uid', async () => {
    const { stdout } = await docker(['image', 'inspect', '--format', '{{json .Config}}', image]);
    const config = JSON.parse(stdout) as { User: string; Labels: Record<string, string> };
    expect(config.User).toBe(`${IMAGE_UID}:${IMAGE_UID}`);
    const revision = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    expect(config.Labels['org.opencontainers.image.revision']).toBe(revision);
    expect(config.Labels['org.opencontainers.image.version']).toBeTruthy();
    expect(config.Labels).toHaveProperty(['org.opencontainers.image.source']);
  });

  it('takes a signed GitHub webhook in the gateway; the processor applies it; the dashboard shows the score', async () => {
    const api = await ingest.fromLog('ingest gateway listening', 'api');
    const response = await fetch(`${api}/v1/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'release',
        'x-github-delivery': `image-${randomBytes(4).toString('hex')}`,
        'x-hub-signature-256': signGithubPayload(release, GITHUB_SECRET),
      },
      body: release,
    });
    expect(response.status, await response.clone().text()).toBe(202);
    expect(((await response.json()) as { accepted: number }).accepted).toBe(1);

    const url = await dashboard.fromLog('dashboard listening', 'url');
    const product = await waitFor(
      async () => {
        const page = await dashboardGet<{ items: ScopeItem[] }>(
          url,
          '/api/scopes?kind=product&domain=payments',
        );
        return page.items.find((item) => item.productId === 'payments.orders-daily');
      },
      { what: 'the release in the dashboard', timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(product.eventCount).toBe(1);
    expect(product.momentum).toBeGreaterThan(0);
  });

  it('emits an event with `cli emit`, which the processor applies', async () => {
    const domain = `cli-${randomBytes(3).toString('hex')}`;
    const emitted = await runOnce(
      ['cli', 'emit', 'ChampionGained', '--domain', domain, '--personId', 'p-image', '--role', 'champion'],
      env,
    );
    expect(emitted.code, emitted.stderr).toBe(0);
    const url = await dashboard.fromLog('dashboard listening', 'url');
    const scope = await waitFor(
      async () => {
        const overview = await dashboardGet<{ domains: ScopeItem[] }>(url, '/api/overview');
        return overview.domains.find((d) => d.domain === domain);
      },
      { what: `domain ${domain} in the dashboard`, timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(scope.eventCount).toBe(1);
  });

  describe('the alerter', () => {
    // Its own installation: a stalled domain written straight into Redis, as the processor would.
    const alerterEnv = isolatedEnv(inject('services'), {
      name: 'image-alerter',
      env: {
        MM_LOG_LEVEL: 'info',
        MM_ALERTER_HTTP_PORT: '0',
        MM_ALERTER_FOR_MS: '0',
        MM_ALERTER_EVALUATION_INTERVAL_MS: '1000',
      },
    });
    const prefix = alerterEnv['MM_REDIS_KEY_PREFIX']!;
    let am: AlertmanagerService;
    let alerter: ServiceContainer;

    beforeAll(async () => {
      am = await ensureAlertmanager();
    }, 600_000);
    afterAll(async () => {
      const leftovers = await redis.keys(`${prefix}:*`);
      if (leftovers.length > 0) await redis.unlink(...leftovers);
      await am?.stop();
    });

    it('posts a stalled domain to Alertmanager, and stops with code 0 within its bound', async () => {
      // A domain name of its own: Alertmanager keeps the alerts of earlier runs until they end.
      const domain = `image-${randomBytes(4).toString('hex')}`;
      await redis.set(keys.namespacePointer(prefix), INITIAL_NAMESPACE);
      const driver = new ScoreDriver(redis, { prefix, namespace: INITIAL_NAMESPACE });
      const now = Date.now();
      const last = now - 40 * DAY_MS;
      await driver.apply(rhythm(domain, `${domain}.orders`, last - 180 * DAY_MS, last, 7), last);
      await driver.refresh(now);

      alerter = await ServiceContainer.start('alerter', {
        ...alerterEnv,
        MM_ALERTER_ALERTMANAGER_URL: am.url,
      });
      containers.push(alerter);
      const filter = encodeURIComponent(`domain="${domain}"`);
      const alerts = await waitFor(
        async () => {
          const response = await fetch(`${am.url}/api/v2/alerts?filter=${filter}`);
          const list = (await response.json()) as { labels: Record<string, string> }[];
          return list.length > 0 ? list : undefined;
        },
        { what: `an alert for ${domain} in Alertmanager`, timeoutMs: 60_000, intervalMs: 500 },
      );
      expect(alerts.map((a) => a.labels['alertname'])).toContain('DomainMomentumStalled');

      const stopped = await alerter.stop(shutdownBoundMs);
      expect(stopped.exitCode, await alerter.logs()).toBe(0);
      expect(stopped.elapsedMs).toBeLessThan(shutdownBoundMs);
    });
  });

  it('ends every service on `docker stop` (SIGTERM) with code 0 within its shutdown bound', async () => {
    for (const container of [processor, ingest, dashboard]) {
      const stopped = await container.stop(shutdownBoundMs);
      expect(stopped.exitCode, `${container.name}\n${await container.logs()}`).toBe(0);
      expect(stopped.elapsedMs, container.name).toBeLessThan(shutdownBoundMs);
    }
  });
});
