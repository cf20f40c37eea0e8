import { describe, expect, it } from 'vitest';
import { EMPTY_ALERT_BOARD } from './alerts.ts';
import { storedScore } from './score.test-support.ts';
import {
  exportedProducts,
  renderScoreMetrics,
  SCORE_SERIES,
  SCORE_SERIES_NAMES,
  ScoreMetricsCache,
} from './score-metrics.ts';
import type { Snapshot } from './snapshot.ts';
import { toView, type ScopeView } from './views.ts';

/** The mesh, 2 domains and 3 products per domain; product i of domain d has momentum 10·i + d. */
function snapshot(generation = 1, ownerTeam = 'team-a'): Snapshot {
  const domains: ScopeView[] = [];
  const products: ScopeView[] = [];
  for (let d = 0; d < 2; d++) {
    domains.push(toView('domain', storedScore({ momentum: String(40 + d), quadrant: 'hype' }), `d${d}`));
    for (let i = 0; i < 3; i++) {
      products.push(
        toView(
          'product',
          storedScore({ momentum: String(10 * i + d), stalled: i === 0 ? '1' : '0', ownerTeam }),
          `d${d}`,
          `p${i}`,
        ),
      );
    }
  }
  const mesh = toView('mesh', storedScore({ momentum: '61.5', value: '33.25', momentumTrend7: '-4.5' }));
  return {
    namespace: 'v1',
    generation,
    mesh,
    domains,
    products,
    byId: new Map([mesh, ...domains, ...products].map((v) => [v.id, v])),
    alerts: EMPTY_ALERT_BOARD,
  };
}

/** `name{labels} value` lines of one series, as [labels, value]. */
function samples(text: string, name: string): [string, number][] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`))
    .map((line) => {
      const close = line.lastIndexOf('}');
      return [line.slice(name.length + 1, close), Number(line.slice(close + 2))];
    });
}

describe('score metrics for Prometheus', () => {
  it('export the mesh and every domain with their figures, and no product by default', () => {
    const text = renderScoreMetrics(snapshot(), { maxProducts: 0 });
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(samples(text, SCORE_SERIES.momentum)).toEqual([
      ['scope_kind="mesh",domain="",product="",owner_team=""', 61.5],
      ['scope_kind="domain",domain="d0",product="",owner_team=""', 40],
      ['scope_kind="domain",domain="d1",product="",owner_team=""', 41],
    ]);
    expect(samples(text, SCORE_SERIES.value)[0]).toEqual([
      'scope_kind="mesh",domain="",product="",owner_team=""',
      33.25,
    ]);
    expect(samples(text, SCORE_SERIES.momentumTrend7)[0]?.[1]).toBe(-4.5);
    expect(samples(text, SCORE_SERIES.quadrant)[1]).toEqual([
      'scope_kind="domain",domain="d0",product="",owner_team="",quadrant="hype"',
      1,
    ]);
    expect(samples(text, SCORE_SERIES.scopes)).toEqual([
      ['scope_kind="mesh"', 1],
      ['scope_kind="domain"', 2],
      ['scope_kind="product"', 6],
    ]);
    expect(text).toContain(`${SCORE_SERIES.productsOmitted} 6\n`);
  });

  it('export the products of highest momentum up to the configured count, with owner team and stall', () => {
    const text = renderScoreMetrics(snapshot(), { maxProducts: 2 });
    expect(samples(text, SCORE_SERIES.momentum).filter(([l]) => l.includes('"product"'))).toEqual([
      ['scope_kind="product",domain="d1",product="p2",owner_team="team-a"', 21],
      ['scope_kind="product",domain="d0",product="p2",owner_team="team-a"', 20],
    ]);
    expect(text).toContain(`${SCORE_SERIES.productsOmitted} 4\n`);
    const all = renderScoreMetrics(snapshot(), { maxProducts: 100 });
    expect(samples(all, SCORE_SERIES.stalled).filter(([, v]) => v === 1)).toHaveLength(2);
  });

  it('escape label values, so an owner team cannot break the exposition format', () => {
    const text = renderScoreMetrics(snapshot(1, 'a"b\\c\nd'), { maxProducts: 1 });
    expect(text).toContain('owner_team="a\\"b\\\\c\\nd"');
    expect(text.split('\n').every((line) => line === '' || /^(#|mm_)/.test(line))).toBe(true);
  });

  it('name every series it writes in SCORE_SERIES_NAMES', () => {
    const text = renderScoreMetrics(snapshot(), { maxProducts: 10 });
    const written = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    expect([...written].sort()).toEqual([...SCORE_SERIES_NAMES].sort());
  });

  it('choose products by momentum, ties by id, stable whatever the input order', () => {
    const s = snapshot();
    const reversed = [...s.products].reverse();
    expect(exportedProducts(reversed, 3).map((v) => v.id)).toEqual(
      exportedProducts(s.products, 3).map((v) => v.id),
    );
  });

  it('render once per snapshot generation', () => {
    const cache = new ScoreMetricsCache({ maxProducts: 0 });
    const first = snapshot(1);
    const body = cache.body(first);
    // The same generation is not rendered again, even if the snapshot object differs.
    expect(cache.body({ ...first, domains: [] })).toBe(body);
    expect(cache.body({ ...first, generation: 2, domains: [] }).toString()).not.toContain('domain="d0"');
  });
});
