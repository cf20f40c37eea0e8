import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** Metric names as constants (STYLE: names in one place). */
export const METRIC_NAMES = {
  alerts: 'mm_alerter_alerts',
  deliveries: 'mm_alerter_deliveries_total',
  outbox: 'mm_alerter_outbox_size',
  evaluations: 'mm_alerter_evaluations_total',
  leader: 'mm_alerter_is_notifier',
} as const;

export type DeliveryOutcome = 'delivered' | 'retry' | 'abandoned';

export class AlerterMetrics {
  readonly registry = new Registry();
  readonly alerts = new Gauge({
    name: METRIC_NAMES.alerts,
    help: 'Alerts by state (pending, firing, resolved), as of the last evaluation.',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly deliveries = new Counter({
    name: METRIC_NAMES.deliveries,
    help: 'Delivery attempts by channel (webhook, chat, alertmanager) and outcome (delivered, retry, abandoned).',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly outbox = new Gauge({
    name: METRIC_NAMES.outbox,
    help: 'Deliveries waiting in the outbox.',
    registers: [this.registry],
  });
  readonly evaluations = new Counter({
    name: METRIC_NAMES.evaluations,
    help: 'Evaluations by result (ok, failed, fenced, standby).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly leader = new Gauge({
    name: METRIC_NAMES.leader,
    help: '1 while this instance holds the notifier lease.',
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }
}
