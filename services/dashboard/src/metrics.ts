import { Counter, Gauge, type Registry } from 'prom-client';
import { metricNames } from '@mesh-momentum/service-kit';
import type { AnswerCache } from './answer-cache.ts';
import type { SnapshotSource } from './snapshot.ts';
import type { ChangeHub, SseHooks } from './sse.ts';

/** Metric names, one place (dashboards and alerts depend on them), by the kit's naming rule. */
export const DASHBOARD_METRICS = metricNames('dashboard', {
  sseDropped: 'sse_dropped_total',
  sseRefused: 'sse_refused_total',
  sseClients: 'sse_clients',
  sseBufferedBytes: 'sse_buffered_bytes',
  answerCacheEntries: 'answer_cache_entries',
  answerCacheBytes: 'answer_cache_bytes',
  snapshotGeneration: 'snapshot_generation',
});

/** What the gauges read when /metrics is scraped. */
export interface DashboardMetricSources {
  readonly hub: ChangeHub;
  readonly answers: AnswerCache;
  readonly cache: SnapshotSource;
}

/**
 * The dashboard's own metrics on `registry` (beside the process metrics): live-update streams (open,
 * dropped, refused, bytes buffered), the answer cache and the snapshot generation. Returns the hooks
 * the ChangeHub counts with, and `observe` to attach the gauges to what they read.
 */
export function dashboardMetrics(registry: Registry): {
  readonly sseHooks: SseHooks;
  observe(sources: DashboardMetricSources): void;
} {
  const dropped = new Counter({
    name: DASHBOARD_METRICS.sseDropped,
    help: 'Server-sent event streams dropped because their client fell behind by more than the high-water mark.',
    registers: [registry],
  });
  const refused = new Counter({
    name: DASHBOARD_METRICS.sseRefused,
    help: 'Server-sent event streams refused (503) because MM_DASHBOARD_SSE_MAX_CLIENTS were open.',
    registers: [registry],
  });
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  return {
    sseHooks: { onDropped: () => dropped.inc(), onRefused: () => refused.inc() },
    observe({ hub, answers, cache }) {
      gauge(DASHBOARD_METRICS.sseClients, 'Open server-sent event streams.', () => hub.clients);
      gauge(
        DASHBOARD_METRICS.sseBufferedBytes,
        'Bytes written to the open event streams and not yet taken by their sockets.',
        () => hub.bufferedBytes,
      );
      gauge(
        DASHBOARD_METRICS.answerCacheEntries,
        'List answers kept for the current snapshot generation.',
        () => answers.entries,
      );
      gauge(
        DASHBOARD_METRICS.answerCacheBytes,
        'Bytes of the list answers kept for the current snapshot generation.',
        () => answers.bytes,
      );
      gauge(
        DASHBOARD_METRICS.snapshotGeneration,
        'Snapshot generation (grows with every change read).',
        () => cache.current.generation,
      );
    },
  };
}
