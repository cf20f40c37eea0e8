import type { Snapshot } from './snapshot.ts';
import type { ScopeView } from './views.ts';

/**
 * The scores as Prometheus series (`GET /metrics/scores`, OpenMetrics text), so that dashboards people
 * already have (Grafana) can chart them. Every series carries the labels `scope_kind` (mesh, domain,
 * product), `domain`, `product` and `owner_team` (empty where they do not apply). The mesh and every
 * domain are always exported; data products only up to a configured count (highest momentum first),
 * which bounds the cardinality at `(1 + domains + products) × series per scope`.
 *
 * The text is written here rather than through prom-client's gauges: those keep live series keyed by
 * a hash of their labels, and setting and serialising 80k of them (10k products) took 0.7–3 s of the
 * event loop, where writing the snapshot out directly takes ~60 ms. Prometheus itself parses the
 * result in test/integration/prometheus-scores.test.ts.
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

/** Label values escaped as the OpenMetrics text format requires: backslash, double quote, line feed. */
const escapeLabel = (value: string) => value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));

/** Per scope: the series and the figure of the view it reports. */
const PER_SCOPE: readonly (readonly [name: string, help: string, read: (v: ScopeView) => number])[] = [
  [SCORE_SERIES.momentum, 'Normalised momentum of the scope, 0..100 (docs/scoring.md).', (v) => v.momentum],
  [SCORE_SERIES.value, 'Normalised value of the scope, 0..100 (docs/scoring.md).', (v) => v.value],
  [
    SCORE_SERIES.momentumTrend7,
    'Change of normalised momentum over 7 days, points.',
    (v) => v.momentumTrend7,
  ],
  [
    SCORE_SERIES.momentumTrend30,
    'Change of normalised momentum over 30 days, points.',
    (v) => v.momentumTrend30,
  ],
  [SCORE_SERIES.valueTrend7, 'Change of normalised value over 7 days, points.', (v) => v.valueTrend7],
  [SCORE_SERIES.valueTrend30, 'Change of normalised value over 30 days, points.', (v) => v.valueTrend30],
  [
    SCORE_SERIES.stalled,
    "1 while the scope's momentum is stalled (docs/scoring.md), else 0.",
    (v) => (v.stalled ? 1 : 0),
  ],
];

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

/** Renders a snapshot as OpenMetrics text (pure). */
export function renderScoreMetrics(snapshot: Snapshot, options: ScoreMetricsOptions): string {
  const products = exportedProducts(snapshot.products, options.maxProducts);
  const views = [...(snapshot.mesh ? [snapshot.mesh] : []), ...snapshot.domains, ...products];
  const labels = views.map(
    (v) =>
      `scope_kind="${v.kind}",domain="${escapeLabel(v.domain ?? '')}",product="${escapeLabel(v.productId ?? '')}",owner_team="${escapeLabel(v.ownerTeam ?? '')}"`,
  );
  const out: string[] = [];
  const family = (name: string, help: string) => out.push(`# HELP ${name} ${help}\n# TYPE ${name} gauge\n`);
  for (const [name, help, read] of PER_SCOPE) {
    family(name, help);
    views.forEach((v, i) => out.push(`${name}{${labels[i]}} ${read(v)}\n`));
  }
  family(
    SCORE_SERIES.quadrant,
    'The scope\'s quadrant (label "quadrant": thriving, hype, grind, stalled); always 1.',
  );
  views.forEach((v, i) =>
    out.push(`${SCORE_SERIES.quadrant}{${labels[i]},quadrant="${escapeLabel(v.quadrant)}"} 1\n`),
  );
  family(SCORE_SERIES.scopes, 'Scopes with a score, per kind (all of them, exported or not).');
  out.push(`${SCORE_SERIES.scopes}{scope_kind="mesh"} ${snapshot.mesh ? 1 : 0}\n`);
  out.push(`${SCORE_SERIES.scopes}{scope_kind="domain"} ${snapshot.domains.length}\n`);
  out.push(`${SCORE_SERIES.scopes}{scope_kind="product"} ${snapshot.products.length}\n`);
  family(
    SCORE_SERIES.productsOmitted,
    'Data products not exported because of MM_DASHBOARD_METRICS_PRODUCTS.',
  );
  out.push(`${SCORE_SERIES.productsOmitted} ${snapshot.products.length - products.length}\n`);
  out.push('# EOF\n');
  return out.join('');
}

/** The content type of the OpenMetrics text format, version 1.0.0. */
export const SCORE_METRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/**
 * Keeps the rendered text per snapshot generation, encoded once: a scrape renders at most once per change
 * of the scores, and scrapes between changes send the same bytes (10k products: ~10 MB).
 */
export class ScoreMetricsCache {
  readonly #options: ScoreMetricsOptions;
  #generation = -1;
  #body: Buffer | undefined;

  constructor(options: ScoreMetricsOptions) {
    this.#options = options;
  }

  body(snapshot: Snapshot): Buffer {
    if (this.#body === undefined || snapshot.generation !== this.#generation) {
      this.#body = Buffer.from(renderScoreMetrics(snapshot, this.#options));
      this.#generation = snapshot.generation;
    }
    return this.#body;
  }
}
