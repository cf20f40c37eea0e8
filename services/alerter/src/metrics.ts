import { Counter, Gauge, type Registry } from 'prom-client';
import { createMetricsRegistry, metricNames } from '@mesh-momentum/service-kit';

/** Metric names, one place (dashboards and alerts depend on them), by the kit's naming rule. */
export const ALERTER_METRICS = metricNames('alerter', {
  alerts: 'alerts',
  deliveries: 'deliveries_total',
  outbox: 'outbox_size',
  evaluations: 'evaluations_total',
  leader: 'is_notifier',
});

export type DeliveryOutcome = 'delivered' | 'retry' | 'abandoned';

export class AlerterMetrics {
  readonly registry: Registry;
  readonly alerts: Gauge<'state'>;
  readonly deliveries: Counter<'channel' | 'outcome'>;
  readonly outbox: Gauge;
  readonly evaluations: Counter<'result'>;
  readonly leader: Gauge;

  /** `defaultMetrics`: the process metrics too (mm_alerter_process_*). @defaultValue true */
  constructor(options: { defaultMetrics?: boolean } = {}) {
    this.registry = createMetricsRegistry('alerter', { processMetrics: options.defaultMetrics ?? true });
    this.alerts = new Gauge({
      name: ALERTER_METRICS.alerts,
      help: 'Alerts by state (pending, firing, resolved), as of the last evaluation.',
      labelNames: ['state'] as const,
      registers: [this.registry],
    });
    this.deliveries = new Counter({
      name: ALERTER_METRICS.deliveries,
      help: 'Delivery attempts by channel (webhook, chat, alertmanager) and outcome (delivered, retry, abandoned).',
      labelNames: ['channel', 'outcome'] as const,
      registers: [this.registry],
    });
    this.outbox = new Gauge({
      name: ALERTER_METRICS.outbox,
      help: 'Deliveries waiting in the outbox.',
      registers: [this.registry],
    });
    this.evaluations = new Counter({
      name: ALERTER_METRICS.evaluations,
      help: 'Evaluations by result (ok, failed, fenced, standby).',
      labelNames: ['result'] as const,
      registers: [this.registry],
    });
    this.leader = new Gauge({
      name: ALERTER_METRICS.leader,
      help: '1 while this instance holds the notifier lease.',
      registers: [this.registry],
    });
  }
}
