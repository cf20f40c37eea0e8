import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, ScopeDetail, ScopeView, TeamDay, TeamSummary } from '@mesh-momentum/dashboard';
import { waitFor } from '@mesh-momentum/testing';
import { startDashboardFixture, type DashboardFixture } from './support/dashboard-fixture.ts';

/**
 * The read API over real Redis filled by the real processor from the simulated demo programme: what a
 * programme lead would read, the ETags, targets, and a change pushed over server-sent events.
 */
describe('dashboard read API on the demo programme', () => {
  let f: DashboardFixture;

  beforeAll(async () => {
    f = await startDashboardFixture('dashboard-api');
  }, 150_000);

  afterAll(async () => {
    await f?.close();
  });

  const get = async <T>(url: string, headers: Record<string, string> = {}) => {
    const res = await f.app.inject({ method: 'GET', url, headers });
    const isJson = String(res.headers['content-type'] ?? '').startsWith('application/json');
    return {
      status: res.statusCode,
      headers: res.headers,
      body: isJson ? (res.json() as T) : undefined,
      text: res.body,
    };
  };

  it('places the four demo domains in their quadrants and flags the stalling one', async () => {
    const { body } = await get<{ domains: ScopeView[]; totals: { products: number } }>('/api/overview');
    const byName = new Map(body?.domains.map((d) => [d.domain, d]));
    expect([...byName.keys()].sort()).toEqual(['hr', 'logistics', 'marketing', 'payments']);
    expect(byName.get('payments')?.quadrant).toBe('thriving');
    expect(byName.get('marketing')?.quadrant).toBe('hype');
    expect(byName.get('hr')?.stalled).toBe(true);
    expect(byName.get('payments')?.stalled).toBe(false);
    expect(body?.totals.products).toBeGreaterThan(10);
  });

  it('answers 304 to an unchanged view (ETag) and 200 with another query', async () => {
    const first = await get('/api/overview');
    const etag = String(first.headers['etag']);
    expect((await get('/api/overview', { 'if-none-match': etag })).status).toBe(304);
    expect((await get('/api/scopes?kind=product', { 'if-none-match': etag })).status).toBe(200);
  });

  it('filters, sorts and pages products, and exports them as CSV', async () => {
    const all = await get<{ total: number; items: ScopeView[] }>(
      '/api/scopes?kind=product&domain=payments&limit=1000',
    );
    const page = await get<{ total: number; items: ScopeView[] }>(
      '/api/scopes?kind=product&domain=payments&sort=momentum&order=desc&limit=3&offset=2',
    );
    expect(page.body?.total).toBe(all.body?.total);
    expect(page.body?.items.map((v) => v.id)).toEqual(all.body?.items.slice(2, 5).map((v) => v.id));
    expect(all.body?.items.every((v) => v.domain === 'payments' && v.kind === 'product')).toBe(true);
    const momenta = all.body?.items.map((v) => v.momentum) ?? [];
    expect(momenta).toEqual([...momenta].sort((a, b) => b - a));

    const csv = await get('/api/scopes?kind=product&domain=payments&format=csv&limit=1000');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]?.startsWith('id,kind,domain,productId,momentum,value')).toBe(true);
    expect(lines).toHaveLength((all.body?.total ?? 0) + 1);
  });

  it('refuses a bad filter with MM_ERR_QUERY_INVALID naming the field, and an unknown scope with 404', async () => {
    const bad = await get<{ code: string; issues: { field: string }[] }>('/api/scopes?quadrant=booming');
    expect(bad.status).toBe(400);
    expect(bad.body?.code).toBe('MM_ERR_QUERY_INVALID');
    expect(bad.body?.issues.map((i) => i.field)).toEqual(['quadrant']);
    const missing = await get<{ code: string }>('/api/domains/nowhere');
    expect(missing.status).toBe(404);
    expect(missing.body?.code).toBe('MM_ERR_SCOPE_NOT_FOUND');
  });

  it("explains hr's drop: a year of daily history, the events that moved it, a forecast band", async () => {
    const { body } = await get<ScopeDetail>('/api/domains/hr?days=365&horizon=60');
    expect(body?.history).toHaveLength(365);
    // hr starts strong and stalls: its momentum peaked well above where it is now.
    const peak = Math.max(...(body?.history.map((p) => p.momentum) ?? []));
    expect(peak).toBeGreaterThan((body?.scope.momentum ?? 0) + 20);
    expect(body?.history.at(-1)?.momentum).toBeCloseTo(body?.scope.momentum ?? -1, 0);
    expect(body?.movers.momentum.length).toBeGreaterThan(0);
    expect(body?.movers.momentum[0]).toMatchObject({ type: expect.any(String), timeMs: expect.any(Number) });
    expect(body?.forecast.momentum).toHaveLength(60);
    for (const p of body?.forecast.momentum ?? []) expect(p.low).toBeLessThanOrEqual(p.high);
  });

  it("answers the mesh's page from the domains' summed day buckets and their largest movers", async () => {
    const { body, status, text } = await get<ScopeDetail>('/api/mesh?days=90');
    expect(status, text).toBe(200);
    expect(body?.scope.id).toBe('mesh');
    expect(body?.history).toHaveLength(90);
    // The end of today against the score as of now: less than a day of decay apart.
    expect(Math.abs((body?.history.at(-1)?.momentum ?? 0) - (body?.scope.momentum ?? 0))).toBeLessThan(3);
    expect(body?.movers.momentum.length).toBe(10);
  });

  it('stores a target through the API and shows it off track for the stalled domain', async () => {
    const date = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
    const put = await f.app.inject({
      method: 'PUT',
      url: '/api/targets?scope=domain:hr',
      payload: { metric: 'momentum', level: 80, date },
    });
    expect(put.statusCode).toBe(200);
    const { body } = await get<ScopeDetail>('/api/domains/hr');
    expect(body?.targets).toHaveLength(1);
    expect(body?.targets[0]).toMatchObject({ metric: 'momentum', level: 80, status: 'off-track' });
    expect(body?.targets[0]?.probability).toBeLessThan(0.5);
    const refused = await f.app.inject({
      method: 'PUT',
      url: '/api/targets?scope=domain:hr',
      payload: { metric: 'momentum', level: 180, date },
    });
    expect(refused.statusCode).toBe(400);
  });

  it('pushes a changed domain over server-sent events without a reload', async () => {
    await f.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = f.app.server.address() as AddressInfo;
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${port}/api/events`, { signal: controller.signal });
    const reader = response.body?.getReader();
    let received = '';
    const readUntil = async (needle: string) =>
      waitFor(
        async () => {
          const chunk = await reader?.read();
          received += new TextDecoder().decode(chunk?.value);
          return received.includes(needle) ? received : undefined;
        },
        { timeoutMs: 15_000, intervalMs: 1, what: needle },
      );
    await readUntil('event: hello');
    await f.pipeline.produce([
      {
        id: `live-${Date.now()}`,
        source: 'urn:meshmomentum:test',
        type: 'ChampionGained',
        time: Date.now(),
        subject: 'p-live',
        domain: 'payments',
        personId: 'p-live',
        role: 'champion',
      },
    ]);
    const text = await readUntil('"id":"domain:payments"');
    expect(text).toContain('event: scopes');
    controller.abort();
  });

  /** Each simulated product's owner team: the team of its latest publication (event time, then id). */
  const expectedTeams = () => {
    const latest = new Map<string, { time: number; id: string; team: string }>();
    for (const e of f.events) {
      if (e.type !== 'DataProductPublished') continue;
      const key = `product:${e.domain}/${e.productId}`;
      const seen = latest.get(key);
      if (!seen || e.time > seen.time || (e.time === seen.time && e.id > seen.id)) {
        latest.set(key, { time: e.time, id: e.id, team: e.ownerTeam });
      }
    }
    const byTeam = new Map<string, string[]>();
    for (const [id, { team }] of latest) byTeam.set(team, [...(byTeam.get(team) ?? []), id]);
    return byTeam;
  };

  it("groups the simulated products by owner team, as each product's latest publication names it", async () => {
    const expected = expectedTeams();
    expect(expected.size).toBeGreaterThan(10);
    const teams = await get<Page<TeamSummary> & { withoutOwnerTeam: number }>('/api/teams?limit=1000');
    expect(teams.status).toBe(200);
    expect(teams.body?.items.map((t) => t.team).sort()).toEqual([...expected.keys()].sort());
    for (const t of teams.body?.items ?? []) expect(t.products, t.team).toBe(expected.get(t.team)?.length);
    // Sorted by mean momentum, highest first.
    const means = teams.body?.items.map((t) => t.momentumMean) ?? [];
    expect(means).toEqual([...means].sort((a, b) => b - a));
    // Every product is in one team or counted without one.
    const overview = await get<{ totals: { products: number } }>('/api/overview');
    const owned = (teams.body?.items ?? []).reduce((n, t) => n + t.products, 0);
    expect(owned + (teams.body?.withoutOwnerTeam ?? -1)).toBe(overview.body?.totals.products);

    const csv = await get('/api/teams?format=csv&limit=1000');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text.trim().split('\r\n')).toHaveLength(expected.size + 1);
    const etag = String(teams.headers['etag']);
    expect((await get('/api/teams?limit=1000', { 'if-none-match': etag })).status).toBe(304);
  });

  it("answers a team's page: its products across domains, its figures, its daily history", async () => {
    const expected = expectedTeams().get('payments-core') ?? [];
    expect(expected.length).toBeGreaterThan(1);
    const { body, status, text } = await get<{
      team: TeamSummary;
      products: Page<ScopeView>;
      history: TeamDay[];
    }>('/api/teams/payments-core?days=90&limit=1000');
    expect(status, text).toBe(200);
    expect(body?.products.items.map((v) => v.id).sort()).toEqual([...expected].sort());
    expect(body?.products.items.every((v) => v.ownerTeam === 'payments-core')).toBe(true);
    const momenta = body?.products.items.map((v) => v.momentum) ?? [];
    expect(momenta).toEqual([...momenta].sort((a, b) => b - a));
    expect(body?.team).toMatchObject({
      team: 'payments-core',
      products: expected.length,
      domains: ['payments'],
    });
    const mean = momenta.reduce((a, b) => a + b, 0) / momenta.length;
    expect(body?.team.momentumMean).toBeCloseTo(mean, 1);
    expect(body?.history).toHaveLength(90);
    // The last day is each product's score as of now: its mean is the team's mean.
    expect(Math.abs((body?.history.at(-1)?.momentum ?? -1) - mean)).toBeLessThan(0.5);
    expect(body?.history.at(-1)?.products).toBe(expected.length);

    // The product list's owner-team filter gives the same products, with the team in its CSV.
    const filtered = await get<Page<ScopeView>>(
      '/api/scopes?kind=product&ownerTeam=payments-core&limit=1000',
    );
    expect(filtered.body?.items.map((v) => v.id).sort()).toEqual([...expected].sort());
    const csv = await get('/api/scopes?kind=product&ownerTeam=payments-core&format=csv&limit=1000');
    const [header, first] = csv.text.split('\r\n');
    expect(header?.split(',').at(-1)).toBe('ownerTeam');
    expect(first?.split(',').at(-1)).toBe('payments-core');

    const missing = await get<{ code: string }>('/api/teams/no-such-team');
    expect(missing.status).toBe(404);
    expect(missing.body?.code).toBe('MM_ERR_TEAM_NOT_FOUND');
  });

  it('counts a product never published apart from the teams, and lists it under the empty owner team', async () => {
    const before = await get<{ withoutOwnerTeam: number }>('/api/teams');
    const productId = `unpublished-${Date.now()}`;
    await f.pipeline.produce([
      {
        id: `onboard-${productId}`,
        source: 'urn:meshmomentum:test',
        type: 'ConsumerOnboarded',
        time: Date.now() - 60_000,
        subject: productId,
        domain: 'logistics',
        productId,
        consumerTeam: 'finance-analytics',
        useCaseId: null,
      },
    ]);
    const id = `product:logistics/${productId}`;
    await waitFor(
      async () =>
        (await get('/api/domains/logistics/products/' + productId)).status === 200 ? true : undefined,
      { timeoutMs: 15_000, intervalMs: 100, what: 'the unpublished product to be scored' },
    );
    const after = await get<Page<TeamSummary> & { withoutOwnerTeam: number }>('/api/teams?limit=1000');
    expect(after.body?.withoutOwnerTeam).toBe((before.body?.withoutOwnerTeam ?? 0) + 1);
    const unowned = await get<Page<ScopeView>>('/api/scopes?kind=product&ownerTeam=&limit=1000');
    expect(unowned.body?.items.map((v) => v.id)).toContain(id);
    expect(unowned.body?.items.every((v) => v.ownerTeam === undefined)).toBe(true);
    const refused = await get<{ issues: { field: string }[] }>('/api/scopes?kind=domain&ownerTeam=x');
    expect(refused.status).toBe(400);
    expect(refused.body?.issues.map((i) => i.field)).toEqual(['ownerTeam']);
  });

  it('serves its OpenAPI document', async () => {
    const { body } = await get<{ openapi: string; paths: Record<string, unknown> }>('/openapi.json');
    expect(body?.openapi).toBe('3.1.0');
    expect(Object.keys(body?.paths ?? {})).toContain('/api/overview');
    expect(Object.keys(body?.paths ?? {})).toContain('/api/teams/{team}');
  });
});
