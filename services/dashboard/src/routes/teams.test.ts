import fastify from 'fastify';
import { storedScore } from '../score.test-support.ts';
import { describe, expect, it } from 'vitest';
import { EMPTY_ALERT_BOARD } from '../alerts.ts';
import { DEFAULT_SCORING_CONFIG } from '@mesh-momentum/scoring';
import type { StoredScore } from '@mesh-momentum/store';
import { AnswerCache } from '../answer-cache.ts';
import { installErrorReplies } from '@mesh-momentum/service-kit';
import { registerReadRoutes } from './read.ts';
import { registerTeamRoutes } from './teams.ts';
import type { Snapshot } from '../snapshot.ts';
import type { DashboardStore } from '../store-access.ts';
import type { TeamSummary } from '../teams.ts';
import { toView, type Page, type ScopeView } from '../views.ts';

const score = (momentum: number, ownerTeam: string): StoredScore =>
  storedScore({ momentum: String(momentum), ownerTeam });

/** 3 domains × 10 products; product p<i> belongs to team t<i mod 4>, p9 to none. */
function snapshot(ownerTeamOfP0 = 't0'): Snapshot {
  const domains: ScopeView[] = [];
  const products: ScopeView[] = [];
  for (let d = 0; d < 3; d++) {
    domains.push(toView('domain', score(d, ''), `d${d}`));
    for (let p = 0; p < 10; p++) {
      products.push(
        toView(
          'product',
          score(10 * p + d, p === 9 ? '' : p === 0 ? ownerTeamOfP0 : `t${p % 4}`),
          `d${d}`,
          `p${p}`,
        ),
      );
    }
  }
  const byId = new Map([...domains, ...products].map((v) => [v.id, v]));
  return {
    namespace: 'v1',
    generation: 3,
    mesh: undefined,
    domains,
    products,
    byId,
    alerts: EMPTY_ALERT_BOARD,
  };
}

async function app(ownerTeamOfP0?: string) {
  const server = fastify();
  installErrorReplies(server);
  const deps = {
    // The routes tested here answer from the snapshot alone (a team's page reads histories: integration).
    store: {} as DashboardStore,
    cache: { current: snapshot(ownerTeamOfP0) },
    answers: new AnswerCache({ maxEntries: 100, maxBytes: 10_000_000 }),
    scoring: DEFAULT_SCORING_CONFIG,
    targetsVersion: () => 0,
  };
  registerReadRoutes(server, deps);
  registerTeamRoutes(server, deps);
  await server.ready();
  return server;
}

describe('team routes', () => {
  it('list every owner team with its figures, sorted and paged, and count the products without one', async () => {
    const server = await app();
    const res = await server.inject({ url: '/api/teams' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as Page<TeamSummary> & { withoutOwnerTeam: number };
    // Momentum 10·p + d: t3 (p3, p7) has mean 51; t0 (p0, p4, p8) and t2 (p2, p6) tie at 41 (name
    // order); t1 (p1, p5: 10..12 and 50..52) has mean and median 31.
    expect(body.items.map((t) => t.team)).toEqual(['t3', 't0', 't2', 't1']);
    expect(body.items.find((t) => t.team === 't1')).toMatchObject({
      products: 6,
      domains: ['d0', 'd1', 'd2'],
      momentumMean: 31,
      momentumMedian: 31,
    });
    expect(body.withoutOwnerTeam).toBe(3);
    const page = (
      await server.inject({ url: '/api/teams?sort=team&order=asc&limit=2&offset=1' })
    ).json() as Page<TeamSummary>;
    expect(page.total).toBe(4);
    expect(page.items.map((t) => t.team)).toEqual(['t1', 't2']);
    await server.close();
  });

  it('export the teams as CSV and answer 304 to a client holding the ETag', async () => {
    const server = await app();
    const csv = await server.inject({ url: '/api/teams?format=csv' });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toContain('teams.csv');
    const lines = csv.body.trim().split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines[1]?.startsWith('t3,6,d0 d1 d2,')).toBe(true);
    const again = await server.inject({
      url: '/api/teams?format=csv',
      headers: { 'if-none-match': String(csv.headers['etag']) },
    });
    expect(again.statusCode).toBe(304);
    await server.close();
  });

  it('export an owner team that is a formula as inert text, in the teams and the products CSV (OWASP)', async () => {
    const formula = '=HYPERLINK("http://evil.example","x")';
    const server = await app(formula);
    const inert = `"'=HYPERLINK(""http://evil.example"",""x"")"`;
    const teams = await server.inject({ url: '/api/teams?format=csv' });
    expect(teams.body.split('\r\n').some((line) => line.startsWith(`${inert},`))).toBe(true);
    const products = await server.inject({ url: '/api/scopes?kind=product&format=csv' });
    expect(products.body.split('\r\n').some((line) => line.endsWith(`,${inert}`))).toBe(true);
    expect(teams.body + products.body).not.toMatch(/(^|,)=HYPERLINK/m);
    await server.close();
  });

  it('filter the product list by owner team, the empty name giving the products without one', async () => {
    const server = await app();
    const t2 = (
      await server.inject({ url: '/api/scopes?kind=product&ownerTeam=t2' })
    ).json() as Page<ScopeView>;
    expect(t2.items.map((v) => v.productId).sort()).toEqual(['p2', 'p2', 'p2', 'p6', 'p6', 'p6']);
    expect(t2.items.every((v) => v.ownerTeam === 't2')).toBe(true);
    const none = (
      await server.inject({ url: '/api/scopes?kind=product&ownerTeam=' })
    ).json() as Page<ScopeView>;
    expect(none.items.map((v) => v.id).sort()).toEqual(['product:d0/p9', 'product:d1/p9', 'product:d2/p9']);
    const csv = await server.inject({ url: '/api/scopes?kind=product&ownerTeam=t2&format=csv' });
    expect(csv.body.split('\r\n')[0]?.endsWith(',ownerTeam')).toBe(true);
    expect(csv.body.split('\r\n')[1]?.endsWith(',t2')).toBe(true);
    await server.close();
  });

  it('refuse an owner-team filter on domains and a bad sort, naming the field; an unknown team is 404', async () => {
    const server = await app();
    const domains = await server.inject({ url: '/api/scopes?kind=domain&ownerTeam=t1' });
    expect(domains.statusCode).toBe(400);
    expect(domains.json()).toMatchObject({
      code: 'MM_ERR_QUERY_INVALID',
      issues: [{ field: 'ownerTeam', reason: expect.stringContaining('kind=product') }],
    });
    const sort = await server.inject({ url: '/api/teams?sort=momentum' });
    expect(sort.statusCode).toBe(400);
    expect((sort.json() as { issues: { field: string }[] }).issues.map((i) => i.field)).toEqual(['sort']);
    const missing = await server.inject({ url: '/api/teams/nobody' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'MM_ERR_TEAM_NOT_FOUND', retriable: false });
    await server.close();
  });
});
