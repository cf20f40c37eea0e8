import type { FastifyInstance } from 'fastify';
import { SCORE_METRICS_CONTENT_TYPE, ScoreMetricsCache } from '../score-metrics.ts';
import type { SnapshotSource } from '../snapshot.ts';

export interface ScoreMetricsRouteDeps {
  readonly cache: SnapshotSource;
  /** Data products exported, highest momentum first (MM_DASHBOARD_METRICS_PRODUCTS). */
  readonly maxProducts: number;
}

/**
 * `GET /metrics/scores`: the scores for Prometheus (OpenMetrics text), from the snapshot the read API
 * answers from, never a Redis read per series. Beside the service's own `/metrics`, so that a scrape
 * job for the scores can run at its own interval.
 */
export function registerScoreMetricsRoute(app: FastifyInstance, deps: ScoreMetricsRouteDeps): void {
  const rendered = new ScoreMetricsCache({ maxProducts: deps.maxProducts });
  app.get('/metrics/scores', (_request, reply) =>
    reply.header('content-type', SCORE_METRICS_CONTENT_TYPE).send(rendered.body(deps.cache.current)),
  );
}
