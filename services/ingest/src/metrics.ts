import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { createMetricsRegistry, metricNames } from '@mesh-momentum/service-kit';

/** Metric names, one place (dashboards and alerts depend on them), by the kit's naming rule. */
export const INGEST_METRICS = metricNames('ingest', {
  requests: 'requests_total',
  events: 'events_total',
  ignored: 'ignored_total',
  unmapped: 'unmapped_total',
  duplicates: 'duplicate_deliveries_total',
  ackSeconds: 'kafka_ack_seconds',
  polls: 'polls_total',
  backstageHeld: 'backstage_retirements_held',
});

export class IngestMetrics {
  readonly registry: Registry = createMetricsRegistry('ingest');
  /** Answers by route family and status. */
  readonly requests = new Counter({
    name: INGEST_METRICS.requests,
    help: 'HTTP requests answered, by route and status code.',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });
  /** Events acknowledged by Kafka (`accepted`) or refused (`refused`, by error code). */
  readonly events = new Counter({
    name: INGEST_METRICS.events,
    help: 'Events accepted (acknowledged by Kafka) or refused, by origin and outcome.',
    labelNames: ['origin', 'outcome', 'code'] as const,
    registers: [this.registry],
  });
  readonly ignored = new Counter({
    name: INGEST_METRICS.ignored,
    help: 'Deliveries or feed items acknowledged without events, by tool and reason code.',
    labelNames: ['tool', 'reason'] as const,
    registers: [this.registry],
  });
  readonly unmapped = new Counter({
    name: INGEST_METRICS.unmapped,
    help: 'Tool entities the identity mapping could not resolve, by tool (listed at GET /v1/admin/unmapped).',
    labelNames: ['tool'] as const,
    registers: [this.registry],
  });
  readonly duplicates = new Counter({
    name: INGEST_METRICS.duplicates,
    help: 'Webhook deliveries answered as duplicates of one already acknowledged, by tool.',
    labelNames: ['tool'] as const,
    registers: [this.registry],
  });
  readonly ackSeconds = new Histogram({
    name: INGEST_METRICS.ackSeconds,
    help: 'Time from a request reaching the gateway to Kafka acknowledging its events, seconds.',
    buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly polls = new Counter({
    name: INGEST_METRICS.polls,
    help: 'Poller rounds, by poller and outcome (ok, failed).',
    labelNames: ['poller', 'outcome'] as const,
    registers: [this.registry],
  });

  /** Retirements a held Backstage round holds back; 0 when none is held (by this instance's poller). */
  readonly backstageHeld = new Gauge({
    name: INGEST_METRICS.backstageHeld,
    help: 'Products a held Backstage round would retire (more than maxRetireShare of the known ones at once), 0 when none; GET /v1/admin/backstage/retirements.',
    registers: [this.registry],
  });
}
