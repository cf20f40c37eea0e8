import { Counter, Gauge, type Registry } from 'prom-client';
import type { AnswerCache } from './answer-cache.ts';
import type { SnapshotSource } from './snapshot.ts';
import type { ChangeHub, SseHooks } from './sse.ts';

/** What the gauges read when /metrics is scraped. */
export interface DashboardMetricSources {
  readonly hub: ChangeHub;
  readonly answers: AnswerCache;
  readonly cache: SnapshotSource;
}

/**
 * The dashboard's own metrics on `registry` (beside the service kit's): live-update streams (open,
 * dropped, refused, bytes buffered), the answer cache and the snapshot generation. Returns the hooks
 * the ChangeHub counts with, and `observe` to attach the gauges to what they read.
 */
export function dashboardMetrics(registry: Registry): {
  readonly sseHooks: SseHooks;
  observe(sources: DashboardMetricSources): void;
} {
  const dropped = new Counter({
    name: 'mm_dashboard_sse_dropped_total',
    help: 'Server-sent event streams dropped because their client fell behind by more than the high-water mark.',
    registers: [registry],
  });
  const refused = new Counter({
    name: 'mm_dashboard_sse_refused_total',
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
      gauge('mm_dashboard_sse_clients', 'Open server-sent event streams.', () => hub.clients);
      gauge(
        'mm_dashboard_sse_buffered_bytes',
        'Bytes written to the open event streams and not yet taken by their sockets.',
        () => hub.bufferedBytes,
      );
      gauge(
        'mm_dashboard_answer_cache_entries',
        'List answers kept for the current snapshot generation.',
        () => answers.entries,
      );
      gauge(
        'mm_dashboard_answer_cache_bytes',
        'Bytes of the list answers kept for the current snapshot generation.',
        () => answers.bytes,
      );
      gauge(
        'mm_dashboard_snapshot_generation',
        'Snapshot generation (grows with every change read).',
        () => cache.current.generation,
      );
    },
  };
}
