import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCORE_SERIES_NAMES } from '@mesh-momentum/dashboard';
import { REPO_ROOT } from '@mesh-momentum/testing';
import { grafanaQueries, seriesNamesIn } from './grafana-dashboard.test-support.ts';

const FILE = `${REPO_ROOT}/deploy/grafana/mesh-momentum.json`;

/**
 * The shipped Grafana dashboard (deploy/grafana) is valid JSON, has the panels docs/prometheus.md
 * promises, and queries only series that /metrics/scores exports. (test/integration/prometheus-scores
 * runs each query against a real Prometheus.)
 */
describe('Grafana dashboard', () => {
  const dashboard = JSON.parse(readFileSync(FILE, 'utf8')) as {
    uid: string;
    panels: { type: string; title: string }[];
    templating: { list: { name: string; query?: string | { query: string } }[] };
  };

  it('has the quadrant table, the per-domain time series, the stalled scopes and the top movers', () => {
    const byTitle = new Map(dashboard.panels.map((p) => [p.title, p.type]));
    expect(byTitle.get('Quadrant per domain')).toBe('table');
    expect(byTitle.get('Momentum per domain')).toBe('timeseries');
    expect(byTitle.get('Value per domain')).toBe('timeseries');
    expect(byTitle.get('Stalled scopes')).toBe('table');
    expect(byTitle.get('Top movers (momentum, 7 days)')).toBe('table');
    expect(new Set(dashboard.panels.map((p) => (p as { id?: number }).id)).size).toBe(
      dashboard.panels.length,
    );
  });

  it('queries only series the scores endpoint exports', () => {
    const queries = grafanaQueries(dashboard);
    expect(queries.length).toBeGreaterThan(4);
    const variableQueries = dashboard.templating.list
      .map((v) => (typeof v.query === 'object' ? v.query.query : ''))
      .filter((q) => q !== '');
    for (const expr of [...queries.map((q) => q.expr), ...variableQueries]) {
      const names = seriesNamesIn(expr);
      expect(names.length, expr).toBeGreaterThan(0);
      for (const name of names) expect(SCORE_SERIES_NAMES, `${name} in ${expr}`).toContain(name);
    }
  });

  it('reads only the labels the endpoint sets', () => {
    const labels = new Set(['scope_kind', 'domain', 'product', 'owner_team', 'quadrant']);
    for (const { expr } of grafanaQueries(dashboard)) {
      for (const [, label] of expr.matchAll(/(\w+)\s*(?:=~|!=|=)\s*"/g))
        expect(labels, expr).toContain(label);
    }
  });
});
