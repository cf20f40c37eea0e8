import { Gauge, Registry, type OpenMetricsContentType } from 'prom-client';
import type { Snapshot } from './snapshot.ts';
import type { ScopeView } from './views.ts';

/**
 * The scores as Prometheus series (`GET /metrics/scores`, OpenMetrics text), so that dashboards people
 * already have (Grafana) can chart them. Every series carries the labels `scope_kind` (mesh, domain,
 * product), `domain`, `product` and `owner_team` (empty where they do not apply). The mesh and every
 * domain are always exported; data products only up to a configured count (highest momentum first),
 * which bounds the cardinality at `(1 + domains + products) × series per scope`.
 */
export const SCORE_SERIES = {
  momentum: 'mm_score_momentum',
  value: 'mm_score_value',
  momentumTrend7: 'mm_score_momentum_trend_7d',
  momentumTrend30: 'mm_score_momentum_trend_30d',
  valueTrend7: 'mm_score_value_trend_7d',
  valueTrend30: 'mm_score_value_trend_30d',
  quadrant: 'mm_score_quadrant',
  stalled: 'mm_score_stalled',
  scopes: 'mm_score_scopes',
  productsOmitted: 'mm_score_products_omitted',
} as const;

/** Every series name the endpoint exports (what the Grafana dashboard may query). */
export const SCORE_SERIES_NAMES: readonly string[] = Object.values(SCORE_SERIES);

const SCOPE_LABELS = ['scope_kind', 'domain', 'product', 'owner_team'] as const;

export interface ScoreMetricsOptions {
  /** Data products exported, those of highest momentum first (ties by id); 0: none. */
  readonly maxProducts: number;
}

/** The products to export: the `max` of highest momentum, ties by id so the choice is stable. */
export function exportedProducts(products: readonly ScopeView[], max: number): readonly ScopeView[] {
  if (max <= 0) return [];
  if (products.length <= max) return products;
  return [...products]
    .sort((a, b) => b.momentum - a.momentum || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, max);
}

/** Renders a snapshot as OpenMetrics text with prom-client, in a registry of its own. */
export async function renderScoreMetrics(snapshot: Snapshot, options: ScoreMetricsOptions): Promise<string> {
  const registry = new Registry<OpenMetricsContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const scoped = (name: string, help: string, extra: readonly string[] = []) =>
    new Gauge({ name, help, labelNames: [...SCOPE_LABELS, ...extra], registers: [registry] });
  const momentum = scoped(
    SCORE_SERIES.momentum,
    'Normalised momentum of the scope, 0..100 (docs/scoring.md).',
  );
  const value = scoped(SCORE_SERIES.value, 'Normalised value of the scope, 0..100 (docs/scoring.md).');
  const momentumTrend7 = scoped(
    SCORE_SERIES.momentumTrend7,
    'Change of normalised momentum over 7 days, points.',
  );
  const momentumTrend30 = scoped(
    SCORE_SERIES.momentumTrend30,
    'Change of normalised momentum over 30 days, points.',
  );
  const valueTrend7 = scoped(SCORE_SERIES.valueTrend7, 'Change of normalised value over 7 days, points.');
  const valueTrend30 = scoped(SCORE_SERIES.valueTrend30, 'Change of normalised value over 30 days, points.');
  const quadrant = scoped(
    SCORE_SERIES.quadrant,
    'The scope\'s quadrant (label "quadrant": thriving, hype, grind, stalled); always 1.',
    ['quadrant'],
  );
  const stalled = scoped(
    SCORE_SERIES.stalled,
    "1 while the scope's momentum is stalled (docs/scoring.md), else 0.",
  );
  const scopes = new Gauge({
    name: SCORE_SERIES.scopes,
    help: 'Scopes with a score, per kind (all of them, exported or not).',
    labelNames: ['scope_kind'],
    registers: [registry],
  });
  const omitted = new Gauge({
    name: SCORE_SERIES.productsOmitted,
    help: 'Data products not exported because of MM_DASHBOARD_METRICS_PRODUCTS.',
    registers: [registry],
  });

  const products = exportedProducts(snapshot.products, options.maxProducts);
  const views = [...(snapshot.mesh ? [snapshot.mesh] : []), ...snapshot.domains, ...products];
  for (const v of views) {
    const labels = {
      scope_kind: v.kind,
      domain: v.domain ?? '',
      product: v.productId ?? '',
      owner_team: v.ownerTeam ?? '',
    };
    momentum.set(labels, v.momentum);
    value.set(labels, v.value);
    momentumTrend7.set(labels, v.momentumTrend7);
    momentumTrend30.set(labels, v.momentumTrend30);
    valueTrend7.set(labels, v.valueTrend7);
    valueTrend30.set(labels, v.valueTrend30);
    quadrant.set({ ...labels, quadrant: v.quadrant }, 1);
    stalled.set(labels, v.stalled ? 1 : 0);
  }
  scopes.set({ scope_kind: 'mesh' }, snapshot.mesh ? 1 : 0);
  scopes.set({ scope_kind: 'domain' }, snapshot.domains.length);
  scopes.set({ scope_kind: 'product' }, snapshot.products.length);
  omitted.set(snapshot.products.length - products.length);
  return registry.metrics();
}

/** The OpenMetrics content type prom-client writes. */
export const SCORE_METRICS_CONTENT_TYPE = Registry.OPENMETRICS_CONTENT_TYPE;

/**
 * Keeps the rendered text per snapshot generation: a scrape renders at most once per change of the
 * scores, and scrapes between changes cost a string copy.
 */
export class ScoreMetricsCache {
  readonly #options: ScoreMetricsOptions;
  #generation = -1;
  #text: Promise<string> | undefined;

  constructor(options: ScoreMetricsOptions) {
    this.#options = options;
  }

  text(snapshot: Snapshot): Promise<string> {
    if (this.#text === undefined || snapshot.generation !== this.#generation) {
      this.#generation = snapshot.generation;
      const text = renderScoreMetrics(snapshot, this.#options);
      // A failed render is not kept: the next scrape tries again.
      text.catch(() => {
        if (this.#text === text) this.#text = undefined;
      });
      this.#text = text;
    }
    return this.#text;
  }
}
