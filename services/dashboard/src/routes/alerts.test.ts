import fastify from 'fastify';
import { storedScore } from '../score.test-support.ts';
import { describe, expect, it } from 'vitest';
import { SilenceCache, type AlertState } from '@mesh-momentum/alerting';
import { DEFAULT_SCORING_CONFIG } from '@mesh-momentum/scoring';
import { alertBoardOf, EMPTY_ALERT_BOARD, type AlertBoard } from '../alerts.ts';
import { AnswerCache } from '../answer-cache.ts';
import { installErrorReplies } from '@mesh-momentum/service-kit';
import { registerAlertRoutes } from './alerts.ts';
import { registerReadRoutes } from './read.ts';
import type { Snapshot } from '../snapshot.ts';
import type { DashboardStore } from '../store-access.ts';
import { toView } from '../views.ts';

const T0 = Date.parse('2026-06-01T00:00:00Z');

const stalledScore = storedScore({
  asOfMs: String(T0),
  momentum: '5',
  momentumRaw: '1',
  momentumTrend30: '-30',
  quadrant: 'stalled',
  stalled: '1',
  stallReason: 'inactivity',
});

const firing = (domain: string): AlertState => ({
  fingerprint: `fp-${domain}`,
  rule: 'DomainMomentumStalled',
  labels: { alertname: 'DomainMomentumStalled', scope_kind: 'domain', domain },
  status: 'firing',
  activeSinceMs: T0 - 7_200_000,
  firingSinceMs: T0 - 3_600_000,
  lastTrueMs: T0,
  notifications: 1,
  evidence: {
    rule: 'DomainMomentumStalled',
    findings: [],
    momentum: 5,
    trend7: 0,
    trend30: -30,
    topEvents: [],
    dashboardUrl: `http://127.0.0.1:8090/#/domain/${domain}`,
    asOfMs: T0,
  },
});

function snapshot(alerts: AlertBoard): Snapshot {
  const domains = ['hr', 'ops'].map((d) => toView('domain', stalledScore, d));
  const byId = new Map(domains.map((v) => [v.id, v]));
  return { namespace: 'v1', generation: 4, mesh: undefined, domains, products: [], byId, alerts };
}

async function appOver(alerts: AlertBoard) {
  const app = fastify();
  installErrorReplies(app);
  const deps = {
    store: {} as DashboardStore,
    cache: { current: snapshot(alerts) },
    answers: new AnswerCache({ maxEntries: 100, maxBytes: 1_048_576 }),
    scoring: DEFAULT_SCORING_CONFIG,
    targetsVersion: () => 0,
  };
  registerReadRoutes(app, deps);
  registerAlertRoutes(app, deps);
  await app.ready();
  return app;
}

const board = alertBoardOf(
  {
    alerts: { 'fp-hr': JSON.stringify(firing('hr')), 'fp-ops': JSON.stringify(firing('ops')) },
    silences: {
      s1: JSON.stringify({
        id: 's1',
        matchers: [{ name: 'domain', value: 'ops', isRegex: false, isEqual: true }],
        startsAtMs: T0 - 1000,
        endsAtMs: T0 + 86_400_000,
        createdBy: 'lead',
        comment: 'known, reorg',
      }),
    },
    pauses: {},
    leaseHolder: 'alerter-1',
  },
  T0,
  new SilenceCache(),
);

describe('alert routes', () => {
  it('answer empty lists, not an error, when no alerter ever ran', async () => {
    const app = await appOver(EMPTY_ALERT_BOARD);
    for (const url of ['/api/alerts', '/api/silences', '/api/pauses']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.json(), url).toMatchObject({ alerting: { running: false }, items: [] });
    }
    const stalled = (await app.inject({ url: '/api/stalled' })).json<{
      stalled: { id: string; alert: { state: string } }[];
    }>();
    expect(stalled.stalled.map((v) => [v.id, v.alert.state])).toEqual([
      ['domain:hr', 'inactive'],
      ['domain:ops', 'inactive'],
    ]);
  });

  it("list the alerts with their badges, filtered, as CSV, with an ETag; the stalled list carries each scope's", async () => {
    const app = await appOver(board);
    const all = await app.inject({ url: '/api/alerts' });
    const body = all.json<{
      alerting: { running: boolean };
      total: number;
      items: { scope: string; badge: string }[];
    }>();
    expect(body.alerting.running).toBe(true);
    expect(body.items.map((a) => [a.scope, a.badge])).toEqual([
      ['domain:hr', 'firing'],
      ['domain:ops', 'silenced'],
    ]);
    expect((await app.inject({ url: '/api/alerts?domain=ops' })).json<{ total: number }>().total).toBe(1);
    expect((await app.inject({ url: '/api/alerts?state=pending' })).json<{ total: number }>().total).toBe(0);
    const etag = String(all.headers['etag']);
    expect((await app.inject({ url: '/api/alerts', headers: { 'if-none-match': etag } })).statusCode).toBe(
      304,
    );

    const csv = await app.inject({ url: '/api/alerts?format=csv' });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toMatch(/^fingerprint,scope,kind,domain,productId,ownerTeam,state,badge,sinceMs,rule/);
    // A comma in a comment: the field is quoted (RFC 4180).
    expect(lines[2]).toContain('"known, reorg"');

    const stalled = (await app.inject({ url: '/api/stalled' })).json<{
      stalled: { id: string; alert: { badge: string; silence?: { comment: string } } }[];
    }>();
    expect(stalled.stalled.map((v) => [v.id, v.alert.badge, v.alert.silence?.comment])).toEqual([
      ['domain:hr', 'firing', undefined],
      ['domain:ops', 'silenced', 'known, reorg'],
    ]);
    const stalledCsv = await app.inject({ url: '/api/stalled?format=csv' });
    expect(stalledCsv.body.split('\r\n')[0]).toMatch(/,ownerTeam,alertState,alertBadge,alertSinceMs$/);
  });

  it('refuse a bad filter naming it, and an unknown alert with 404', async () => {
    const app = await appOver(board);
    const bad = await app.inject({ url: '/api/alerts?state=burning&limit=0' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ issues: { field: string }[] }>().issues.map((i) => i.field)).toEqual([
      'state',
      'limit',
    ]);
    const one = await app.inject({ url: '/api/alerts/fp-hr' });
    expect(one.json()).toMatchObject({
      alert: { scope: 'domain:hr' },
      stored: { evidence: { momentum: 5 } },
    });
    const missing = await app.inject({ url: '/api/alerts/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json<{ code: string }>().code).toBe('MM_ERR_ALERT_NOT_FOUND');
  });
});
