import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The one naming rule of every service's metrics: `mm_<service>_<what>[_<unit>]`, lower case with
 * underscores, the unit spelt out as Prometheus asks (`_seconds`, `_bytes`; a counter ends `_total`):
 * `mm_ingest_kafka_ack_seconds`, `mm_processor_events_applied_total`, `mm_alerter_outbox_size`. The
 * process metrics of prom-client follow it too (`mm_alerter_process_cpu_seconds_total`). The
 * dashboard's `/metrics/scores` is not the service's own health but the scores it serves
 * (`mm_score_*`), so it is a separate endpoint with its own names.
 */
export const METRIC_NAME_PATTERN = /^mm_[a-z]+_[a-z0-9]+(?:_[a-z0-9]+)*$/;

export type MetricNames<S extends string, N extends Readonly<Record<string, string>>> = {
  readonly [K in keyof N]: `mm_${S}_${N[K]}`;
};

/**
 * The full names of a service's metrics from their `<what>[_<unit>]` parts, by the one rule: a module
 * declares its names once, as constants (dashboards, alerts and tests refer to them).
 */
export function metricNames<S extends string, const N extends Readonly<Record<string, string>>>(
  service: S,
  parts: N,
): MetricNames<S, N> {
  const names: Record<string, string> = {};
  for (const [key, part] of Object.entries(parts)) {
    const name = `mm_${service}_${part}`;
    if (!METRIC_NAME_PATTERN.test(name)) throw new TypeError(`metric name ${name} breaks the naming rule`);
    names[key] = name;
  }
  return Object.freeze(names) as MetricNames<S, N>;
}

/**
 * A service's metrics registry (one per instance, never prom-client's global one, so that tests and
 * several instances in one process stay apart), with the process metrics under the service's prefix.
 */
export function createMetricsRegistry(
  service: string,
  options: { readonly processMetrics?: boolean } = {},
): Registry {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: `mm_${service}_` });
  return registry;
}

/** Names in `registry` that break the rule for `service` (the shell refuses to start with any). */
export function misnamedMetrics(service: string, registry: Registry): string[] {
  return registry
    .getMetricsAsArray()
    .map((metric) => metric.name)
    .filter((name) => !name.startsWith(`mm_${service}_`) || !METRIC_NAME_PATTERN.test(name));
}
