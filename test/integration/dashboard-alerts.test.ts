import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertRow, PauseRow, ScopeAlert, ScopeDetail, SilenceRow } from '@mesh-momentum/dashboard';
import { waitFor } from '@mesh-momentum/testing';
import {
  startDashboardFixture,
  startFixtureAlerter,
  type DashboardFixture,
  type FixtureAlerter,
} from './support/dashboard-fixture.ts';

/**
 * The dashboard showing the alerter's state: the demo programme through the real processor, then the
 * real alerter (its own process) evaluating it and taking a silence and a pause through its API, and the
 * dashboard reading all of it from Redis through the alert-state contract on its refresh timer.
 */
interface Listed<T> {
  alerting: { running: boolean; invalid: Record<string, unknown[]> };
  total?: number;
  items: T[];
}
type WithAlert = { id: string; alert: ScopeAlert };

describe('dashboard: alert state, silences and pauses of the real alerter', () => {
  let f: DashboardFixture;
  let alerter: FixtureAlerter | undefined;
  /** Set by the firing test: hr's alerts, and a firing product of another domain. */
  let hrAlerts = 0;
  let other: AlertRow | undefined;

  beforeAll(async () => {
    f = await startDashboardFixture('dashboard-alerts');
  }, 150_000);

  afterAll(async () => {
    await alerter?.stop();
    await f?.close();
  });

  const get = async <T>(url: string, headers: Record<string, string> = {}) => {
    const res = await f.app.inject({ method: 'GET', url, headers });
    return { status: res.statusCode, headers: res.headers, body: res.json<T>() };
  };
  /** Waits for the dashboard (refreshing every second) to answer what `check` looks for. */
  const until = <T>(url: string, what: string, check: (body: T) => boolean) =>
    waitFor(
      async () => {
        const { body } = await get<T>(url);
        return check(body) ? body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, what },
    );

  it('answers empty lists and "not running" before any alerter ran, not an error', async () => {
    for (const url of ['/api/alerts', '/api/silences', '/api/pauses']) {
      const { status, body } = await get<Listed<unknown>>(url);
      expect(status, url).toBe(200);
      expect(body.alerting.running, url).toBe(false);
      expect(body.items, url).toEqual([]);
    }
    const stalled = await get<{ alerting: { running: boolean }; stalled: WithAlert[] }>('/api/stalled');
    expect(stalled.body.stalled.map((v) => v.id)).toContain('domain:hr');
    expect(stalled.body.stalled.every((v) => v.alert.state === 'inactive' && !v.alert.badge)).toBe(true);
    const hr = await get<ScopeDetail>('/api/domains/hr');
    expect(hr.body.alert).toEqual({ state: 'inactive' });
  });

  it("shows the alerter's firing alerts: the stalled domain and products, with badges", async () => {
    alerter = await startFixtureAlerter(f);
    const alerts = await until<Listed<AlertRow>>(
      '/api/alerts?state=firing&limit=1000',
      'hr firing on the dashboard',
      (b) => b.alerting.running && b.items.some((a) => a.scope === 'domain:hr'),
    );
    // hr stalls in every seed: its domain fires, and its stalled products.
    const hr = alerts.items.filter((a) => a.domain === 'hr');
    expect(hr.filter((a) => a.kind === 'domain')).toHaveLength(1);
    expect(hr.filter((a) => a.kind === 'product').length).toBeGreaterThan(0);
    // Another domain's firing product: paused below.
    other = alerts.items.find((a) => a.kind === 'product' && a.domain !== 'hr');
    expect(other, 'a firing product outside hr').toBeDefined();
    hrAlerts = hr.length;
    expect(alerts.items.every((a) => a.state === 'firing' && a.badge === 'firing')).toBe(true);
    expect(alerts.items.find((a) => a.scope === 'domain:hr')).toMatchObject({
      rule: 'DomainMomentumStalled',
      silencedBy: [],
      dashboardUrl: expect.stringMatching(/#\/domain\/hr$/),
    });

    const stalled = await get<{ stalled: WithAlert[] }>('/api/stalled');
    expect(stalled.body.stalled.find((v) => v.id === 'domain:hr')?.alert).toMatchObject({
      state: 'firing',
      badge: 'firing',
      rule: 'DomainMomentumStalled',
    });
    const page = await get<ScopeDetail>('/api/domains/hr');
    expect(page.body.alert?.evidence?.findings.length).toBeGreaterThan(0);
    const one = await get<{ stored: { evidence: { rule: string } } }>(
      `/api/alerts/${page.body.alert?.fingerprint ?? ''}`,
    );
    expect(one.status).toBe(200);
    expect(one.body.stored.evidence.rule).toBe('DomainMomentumStalled');

    const csv = await f.app.inject({ url: '/api/alerts?state=firing&limit=1000&format=csv' });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.trim().split('\r\n')).toHaveLength(alerts.items.length + 1);
  });

  it('shows a silence and a pause set through the alerter, on the lists and the pages, with new ETags', async () => {
    const before = await get('/api/alerts');
    const etag = String(before.headers['etag']);
    const silence = await alerter!.post<{ id: string }>('/api/silences', {
      matchers: ['domain=hr'],
      durationMs: 7 * 86_400_000,
      createdBy: 'lead@example.com',
      comment: 'hr reorganises until the spring',
    });
    await alerter!.post('/api/pauses', {
      scope: other!.scope,
      reason: 'being retired',
      createdBy: 'lead@example.com',
    });
    const alerts = await until<Listed<AlertRow>>(
      '/api/alerts?limit=1000',
      'the silence and the pause on the dashboard',
      (b) =>
        b.items.find((a) => a.scope === 'domain:hr')?.badge === 'silenced' &&
        b.items.find((a) => a.scope === other!.scope)?.badge === 'paused',
    );
    // The alert is still firing (a silence holds notifications back, not the alert).
    expect(alerts.items.find((a) => a.scope === 'domain:hr')).toMatchObject({
      state: 'firing',
      silencedBy: [silence.id],
      silence: { id: silence.id, createdBy: 'lead@example.com', comment: 'hr reorganises until the spring' },
    });
    expect(alerts.items.filter((a) => a.domain === 'hr').every((a) => a.badge === 'silenced')).toBe(true);
    expect((await get('/api/alerts', { 'if-none-match': etag })).status).toBe(200);

    const silences = await get<Listed<SilenceRow>>('/api/silences');
    expect(silences.body.items).toEqual([
      expect.objectContaining({
        id: silence.id,
        matchers: ['domain=hr'],
        status: 'active',
        silencing: hrAlerts,
      }),
    ]);
    const pauses = await get<Listed<PauseRow>>('/api/pauses');
    expect(pauses.body.items).toEqual([
      expect.objectContaining({
        scope: other!.scope,
        reason: 'being retired',
        active: true,
      }),
    ]);

    const hr = await get<ScopeDetail>('/api/domains/hr');
    expect(hr.body.alert).toMatchObject({ badge: 'silenced', silence: { id: silence.id } });
    const paused = await until<ScopeDetail>(
      `/api/domains/${encodeURIComponent(other!.domain!)}/products/${encodeURIComponent(other!.productId!)}`,
      'the paused product resolved by the alerter',
      (b) => b.alert?.state === 'resolved',
    );
    expect(paused.alert).toMatchObject({
      badge: 'paused',
      pause: { scopeKey: other!.scope, reason: 'being retired' },
    });
    const stalled = await get<{ stalled: WithAlert[] }>('/api/stalled');
    const badges = new Map(stalled.body.stalled.map((v) => [v.id, v.alert.badge]));
    expect(badges.get('domain:hr')).toBe('silenced');
  });
});
