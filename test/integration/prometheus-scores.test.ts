import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScopeView } from '@mesh-momentum/dashboard';
import { REPO_ROOT, startPrometheus, waitFor, type PrometheusServer } from '@mesh-momentum/testing';
import { grafanaQueries } from '../unit/grafana-dashboard.test-support.ts';
import { startDashboardFixture, type DashboardFixture } from './support/dashboard-fixture.ts';

const PRODUCTS_EXPORTED = 5;

/**
 * A real Prometheus (Debian's package) scrapes the dashboard's /metrics/scores over the demo programme
 * applied by the real processor; PromQL answers what the read API answers, and every query of the
 * shipped Grafana dashboard runs and finds series.
 */
describe('scores scraped by Prometheus', () => {
  let f: DashboardFixture;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    f = await startDashboardFixture('prometheus-scores', {
      env: { MM_DASHBOARD_METRICS_PRODUCTS: String(PRODUCTS_EXPORTED) },
    });
    await f.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = f.app.server.address() as AddressInfo;
    prometheus = await startPrometheus({ targets: [`127.0.0.1:${port}`], metricsPath: '/metrics/scores' });
  }, 180_000);

  afterAll(async () => {
    await prometheus?.stop();
    await f?.close();
  });

  const api = async <T>(url: string) => (await f.app.inject({ method: 'GET', url })).json() as T;

  it("returns the demo's domain scores to a PromQL query, as the read API gives them", async () => {
    const series = await waitFor(
      async () => {
        const result = await prometheus.query('mm_score_momentum{scope_kind="domain"}');
        return result.length === f.domains.length ? result : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'Prometheus to scrape the domain scores' },
    );
    const { domains } = await api<{ domains: ScopeView[] }>('/api/overview');
    const fromApi = Object.fromEntries(domains.map((d) => [d.domain, d.momentum]));
    const fromPrometheus = Object.fromEntries(series.map((s) => [s.metric['domain'], s.value]));
    expect(fromPrometheus).toEqual(fromApi);

    const quadrants = await prometheus.query('mm_score_quadrant{scope_kind="domain"} == 1');
    const quadrantOf = Object.fromEntries(quadrants.map((s) => [s.metric['domain'], s.metric['quadrant']]));
    expect(quadrantOf).toEqual(Object.fromEntries(domains.map((d) => [d.domain, d.quadrant])));
    const stalled = await prometheus.query('mm_score_stalled{scope_kind="domain"} == 1');
    expect(stalled.map((s) => s.metric['domain']).sort()).toEqual(
      domains
        .filter((d) => d.stalled)
        .map((d) => d.domain)
        .sort(),
    );
    expect(stalled.length).toBeGreaterThan(0);
  });

  it('exports the configured number of products, those of highest momentum, with their owner teams', async () => {
    const products = await prometheus.query('mm_score_momentum{scope_kind="product"}');
    expect(products).toHaveLength(PRODUCTS_EXPORTED);
    const top = await api<{ items: ScopeView[] }>(
      `/api/scopes?kind=product&sort=momentum&order=desc&limit=${PRODUCTS_EXPORTED}`,
    );
    // Highest momentum first; equal momenta (rounded figures tie) by domain and product on both sides.
    const byMomentum = (a: readonly unknown[], b: readonly unknown[]) =>
      Number(b[3]) - Number(a[3]) || `${a[0]} ${a[1]}`.localeCompare(`${b[0]} ${b[1]}`);
    const expected = top.items
      .map((v) => [v.domain, v.productId, v.ownerTeam ?? '', v.momentum])
      .sort(byMomentum);
    const got = products
      .map((s) => [s.metric['domain'], s.metric['product'], s.metric['owner_team'] ?? '', s.value])
      .sort(byMomentum);
    expect(got).toEqual(expected);
    const [omitted] = await prometheus.query('mm_score_products_omitted');
    const [all] = await prometheus.query('mm_score_scopes{scope_kind="product"}');
    expect(omitted?.value).toBe((all?.value ?? 0) - PRODUCTS_EXPORTED);
  });

  it('runs every query of the shipped Grafana dashboard and finds series for each', async () => {
    const dashboard = JSON.parse(
      readFileSync(`${REPO_ROOT}/deploy/grafana/mesh-momentum.json`, 'utf8'),
    ) as unknown;
    const queries = grafanaQueries(dashboard);
    expect(queries.length).toBeGreaterThan(4);
    for (const { expr } of queries) {
      // Grafana's template variables, as the dashboard's defaults resolve them.
      const promql = expr.replaceAll('$domain', '.*').replaceAll('$__rate_interval', '1m');
      const result = await prometheus.query(promql);
      expect(result.length, promql).toBeGreaterThan(0);
    }
  });
});
