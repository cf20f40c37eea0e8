import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMPONENTS, PRODUCTION_VALUES, ROOT, Rendered, type Component } from './chart.ts';

/**
 * docker-compose.yml and the chart configure each service with the same MM_* variables. Where they do
 * not, the reason is written here: a variable only the chart sets (`CHART_ONLY`), or a value that
 * differs between the two (`VALUES_DIFFER`). Only the services' `environment:` is compared.
 */

const EVERY_SERVICE = {
  MM_REDIS_KEY_PREFIX: 'one value for every service of a release, so that two releases can share a Redis',
  MM_SHUTDOWN_TIMEOUT_MS: "each pod's terminationGracePeriodSeconds is derived from it",
};
const SERVES_PROBES = 'Kubernetes probes the port on the pod IP, so the chart names both';

const CHART_ONLY: Readonly<Record<Component, Readonly<Record<string, string>>>> = {
  processor: {
    ...EVERY_SERVICE,
    MM_TOPIC_PARTITIONS: 'bounds processor.replicas; compose runs one processor',
    MM_TOPIC_REPLICATION_FACTOR: "compose's single broker takes the default, 1",
    MM_PROCESSOR_GROUP_ID: 'two releases on one Kafka need consumer groups of their own',
    MM_PROCESSOR_HTTP_HOST: SERVES_PROBES,
    MM_PROCESSOR_HTTP_PORT: SERVES_PROBES,
  },
  ingest: { ...EVERY_SERVICE, MM_INGEST_HTTP_PORT: SERVES_PROBES, MM_INGEST_OPS_PORT: SERVES_PROBES },
  dashboard: { ...EVERY_SERVICE },
  alerter: { ...EVERY_SERVICE, MM_ALERTER_HTTP_PORT: SERVES_PROBES },
};

const VALUES_DIFFER: Readonly<Partial<Record<Component, Readonly<Record<string, string>>>>> = {
  processor: {
    MM_PROCESSOR_MEMORY_MB:
      "compose's container has no memory limit; the chart derives the budget from its limit, with headroom",
  },
  alerter: {
    MM_ALERTER_ALERTMANAGER_URL:
      'compose runs an Alertmanager beside the alerter; the chart has none to point at',
  },
};

interface ComposeService {
  readonly environment?: Readonly<Record<string, string | number | boolean | null>> | readonly string[];
}
const compose = parse(readFileSync(`${ROOT}docker-compose.yml`, 'utf8')) as {
  services: Readonly<Record<string, ComposeService>>;
};

/** Compose's `${VAR:-default}` / `${VAR}` as `docker compose` resolves them with VAR unset. */
const interpolate = (value: string): string =>
  value.replace(/\$\{[A-Z0-9_]+(?::?-([^}]*))?\}/g, (_m, fallback: string | undefined) => fallback ?? '');

/** The MM_* variables compose sets for a service, interpolated. */
function composeEnv(component: Component): Record<string, string> {
  const env = compose.services[component]?.environment;
  if (env === undefined) throw new Error(`docker-compose.yml sets no environment for ${component}`);
  const entries: [string, string][] = Array.isArray(env)
    ? env.map((line: string) => {
        const eq = line.indexOf('=');
        return eq < 0 ? [line, ''] : [line.slice(0, eq), line.slice(eq + 1)];
      })
    : Object.entries(env).map(([k, v]) => [k, String(v ?? '')]);
  return Object.fromEntries(
    entries.filter(([k]) => k.startsWith('MM_')).map(([k, v]) => [k, interpolate(v)]),
  );
}

/** The MM_* names the chart sets for a service: its ConfigMap and its Secret references. */
function chartNames(rendered: Rendered, component: Component): string[] {
  const names = [
    ...Object.keys(rendered.configEnv(component)),
    ...(rendered.container(component).env ?? []).map((e) => e.name),
  ];
  return names.filter((n) => n.startsWith('MM_'));
}

describe('docker-compose.yml and the Helm chart', () => {
  let defaults: Rendered;
  let production: Rendered;
  beforeAll(() => {
    defaults = new Rendered();
    production = new Rendered({ values: [PRODUCTION_VALUES] });
  });

  it.each(COMPONENTS)('%s: the chart can set every variable compose sets', (component) => {
    const chart = new Set([...chartNames(defaults, component), ...chartNames(production, component)]);
    const missing = Object.keys(composeEnv(component)).filter((name) => !chart.has(name));
    expect(missing, `set by compose, by no value of the chart`).toEqual([]);
  });

  it.each(COMPONENTS)('%s: by default the chart sets what compose sets, plus the documented', (component) => {
    const composed = new Set(Object.keys(composeEnv(component)));
    const extra = chartNames(defaults, component).filter((name) => !composed.has(name));
    expect(extra.sort()).toEqual(Object.keys(CHART_ONLY[component]).sort());
  });

  it.each(COMPONENTS)('%s: with the same values, but for the documented', (component) => {
    const chart = defaults.configEnv(component);
    const differing = Object.entries(composeEnv(component))
      .filter(([name, value]) => name in chart && chart[name] !== value)
      .map(([name]) => name);
    expect(differing.sort()).toEqual(Object.keys(VALUES_DIFFER[component] ?? {}).sort());
  });
});
