import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { createMetricsRegistry, metricNames } from '@mesh-momentum/service-kit';
import type { MirrorStats } from '@mesh-momentum/store-writer';

/** Metric names, one place (dashboards and alerts depend on them), by the kit's naming rule. */
export const PROCESSOR_METRICS = metricNames('processor', {
  eventsApplied: 'events_applied_total',
  eventsSkipped: 'events_skipped_total',
  deadLettered: 'dead_lettered_total',
  batchDuration: 'batch_duration_seconds',
  eventToStoreLatency: 'event_to_store_latency_seconds',
  consumerLag: 'consumer_lag',
  transientFailures: 'transient_failures_total',
  fencedBatches: 'fenced_batches_total',
  mirrorScopes: 'mirror_scopes',
  mirrorDayBuckets: 'mirror_day_buckets',
});

export interface ProcessorMetrics {
  readonly registry: Registry;
  readonly eventsApplied: Counter<'type'>;
  readonly eventsSkipped: Counter;
  readonly deadLettered: Counter<'reason'>;
  readonly batchDuration: Histogram;
  readonly eventToStoreLatency: Histogram;
  readonly consumerLag: Gauge<'topic' | 'partition'>;
  readonly transientFailures: Counter<'code'>;
  readonly fencedBatches: Counter;
}

/**
 * A registry per processor (not the global one), so tests and several instances in one process stay apart.
 * `mirrorStats` feeds the mirror gauges at each scrape: the processor's memory grows with them
 * (~160 B of heap per day bucket, bench:processor), not with events.
 */
export function createProcessorMetrics(mirrorStats?: () => MirrorStats): ProcessorMetrics {
  const registry = createMetricsRegistry('processor');
  if (mirrorStats) {
    new Gauge({
      name: PROCESSOR_METRICS.mirrorScopes,
      help: 'Scopes (domains and data products) whose state this instance holds in memory.',
      registers: [registry],
      collect() {
        this.set(mirrorStats().scopes);
      },
    });
    new Gauge({
      name: PROCESSOR_METRICS.mirrorDayBuckets,
      help: 'Day buckets (momentum, value and count series) this instance holds in memory: what its heap grows with.',
      registers: [registry],
      collect() {
        this.set(mirrorStats().dayBuckets);
      },
    });
  }
  return {
    registry,
    eventsApplied: new Counter({
      name: PROCESSOR_METRICS.eventsApplied,
      help: 'Events applied to the scores, by event type.',
      labelNames: ['type'],
      registers: [registry],
    }),
    eventsSkipped: new Counter({
      name: PROCESSOR_METRICS.eventsSkipped,
      help: 'Records skipped because they were applied before (replay or producer retry).',
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: PROCESSOR_METRICS.deadLettered,
      help: 'Records sent to the dead-letter topic, by error code.',
      labelNames: ['reason'],
      registers: [registry],
    }),
    batchDuration: new Histogram({
      name: PROCESSOR_METRICS.batchDuration,
      help: 'Time to decode, apply and commit one partition batch.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    eventToStoreLatency: new Histogram({
      name: PROCESSOR_METRICS.eventToStoreLatency,
      help: 'Time from the Kafka record timestamp to its effect being in Redis.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    consumerLag: new Gauge({
      name: PROCESSOR_METRICS.consumerLag,
      help: 'Records between the last applied offset and the partition high watermark.',
      labelNames: ['topic', 'partition'],
      registers: [registry],
    }),
    transientFailures: new Counter({
      name: PROCESSOR_METRICS.transientFailures,
      help: 'Batches retried after a transient failure (Redis or registry unavailable), by error code.',
      labelNames: ['code'],
      registers: [registry],
    }),
    fencedBatches: new Counter({
      name: PROCESSOR_METRICS.fencedBatches,
      help: 'Batches refused because another instance owns the partition now (this one was a zombie).',
      registers: [registry],
    }),
  };
}
