import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENV_VARIABLES } from '@mesh-momentum/common';
import { generateToken, loadScoringConfigFile } from '@mesh-momentum/service-kit';
import { CONFIG_SECTIONS } from '../../scripts/config-sections.ts';
import {
  CHART,
  COMPONENTS,
  LOADERS,
  PRODUCTION_VALUES,
  ROOT,
  Rendered,
  probeAddress,
  helm,
  renderRefusal,
  type Component,
  type Deployment,
  type PodSpec,
} from './chart.ts';

/**
 * deploy/helm/mesh-momentum, rendered by the pinned helm with its default values and with the
 * production-like example: what each pod runs, how it is probed and confined, where its secrets come
 * from, and that each service's own config loader accepts the environment the chart gives it.
 */

/** Every variable a service knows: the shared ones and its own section's, with the `secret` flag. */
function knownVariables(component: Component): Map<string, { readonly secret: boolean }> {
  const section = CONFIG_SECTIONS.find((s) => s.name === component);
  if (section === undefined) throw new Error(`no config section ${component}`);
  return new Map(
    Object.entries({ ...ENV_VARIABLES, ...section.variables }).map(([name, spec]) => [
      name,
      { secret: spec.secret === true },
    ]),
  );
}

/** Names the chart treats as secret beyond the code's own flag: tokens and keys never go in a ConfigMap. */
const SECRET_NAME = /(PASSWORD|SECRET|TOKENS?|_KEY)$/;
const isSecretVariable = (component: Component, name: string): boolean =>
  knownVariables(component).get(name)?.secret === true || SECRET_NAME.test(name);

/** Values that look like credentials: URL user-info, webhook secrets, token digests, keys, long random strings. */
const SECRET_LOOKING = [/:\/\/[^/\s]*@/, /whsec_/, /sha256:/, /-----BEGIN/, /[A-Za-z0-9+=_-]{32,}/];

/**
 * A finding per ConfigMap entry that is secret: a variable the service treats as one (in the ConfigMap a
 * service takes its environment from), or any value that looks like a credential (in every ConfigMap).
 */
function secretsInConfigMaps(rendered: Rendered): string[] {
  const findings: string[] = [];
  for (const component of COMPONENTS) {
    for (const [name, value] of Object.entries(rendered.configEnv(component))) {
      // A Redis URL is flagged secret for the password it may carry; without one it is plain config.
      const plainRedisUrl = name === 'MM_REDIS_URL' && !new URL(value).password && !new URL(value).username;
      if (isSecretVariable(component, name) && !plainRedisUrl)
        findings.push(`${component}: ${name} is secret`);
    }
  }
  for (const configMap of rendered.ofKind('ConfigMap')) {
    for (const [name, value] of Object.entries(configMap.data ?? {})) {
      for (const pattern of SECRET_LOOKING) {
        if (pattern.test(value))
          findings.push(`${configMap.metadata.name}: ${name}=${value} looks secret (${pattern})`);
      }
    }
  }
  return findings;
}

/** What an operator's Secrets hold for each variable the chart takes from one. */
const adminToken = `ops=${generateToken('ops').hash}`;
const SECRET_SAMPLES: Readonly<Record<string, string>> = {
  MM_KAFKA_SASL_PASSWORD: 'kafka-password',
  MM_SCHEMA_REGISTRY_PASSWORD: 'registry-password',
  MM_REDIS_URL: 'rediss://:redis-password@redis.example.internal:6379',
  MM_INGEST_PERSON_ID_KEY: 'f'.repeat(64),
  MM_DASHBOARD_ADMIN_TOKENS: adminToken,
  MM_ALERTER_ADMIN_TOKENS: adminToken,
  MM_ALERTER_CHAT_WEBHOOK_URL: 'https://chat.example.com/hooks/abc',
};
function secretSample(name: string): string {
  const value = SECRET_SAMPLES[name];
  if (value === undefined) throw new Error(`no sample Secret value for ${name}: add one to SECRET_SAMPLES`);
  return value;
}

const RENDERS = {
  'default values': {},
  'values-production.yaml': { values: [PRODUCTION_VALUES] },
} as const;
const rendered = new Map<string, Rendered>();
const render = (name: keyof typeof RENDERS): Rendered => rendered.get(name)!;

beforeAll(() => {
  for (const [name, options] of Object.entries(RENDERS)) rendered.set(name, new Rendered(options));
});

describe('helm lint', () => {
  it.each(Object.entries(RENDERS))('passes --strict with %s', (_name, options) => {
    const values = 'values' in options ? options.values.flatMap((f) => ['--values', f]) : [];
    const run = helm(['lint', '--strict', CHART, ...values]);
    expect(run.stderr + run.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(run.status).toBe(0);
  });
});

describe.each(Object.keys(RENDERS) as (keyof typeof RENDERS)[])('the chart rendered with %s', (name) => {
  it('runs each service from the one image with its command, the alerter twice', () => {
    for (const component of COMPONENTS) {
      expect(render(name).container(component).args, component).toEqual([component]);
    }
    expect(render(name).ofKind('Deployment')).toHaveLength(COMPONENTS.length);
    expect(render(name).deployment('alerter').spec.replicas).toBe(2);
  });

  it("probes /healthz and /readyz on the port where the service's own config says it listens, on every interface", () => {
    for (const component of COMPONENTS) {
      const r = render(name);
      const container = r.container(component);
      expect(container.livenessProbe.httpGet.path).toBe('/healthz');
      expect(container.readinessProbe.httpGet.path).toBe('/readyz');
      const listening = probeAddress(component, r.environment(component, secretSample));
      for (const probe of [container.livenessProbe, container.readinessProbe]) {
        expect(r.portNumber(component, probe.httpGet.port), component).toBe(listening.port);
      }
      expect(listening.host, component).toBe('0.0.0.0');
    }
  });

  it("gives each service an environment its own config loader accepts, naming only that service's variables", () => {
    for (const component of COMPONENTS) {
      const env = render(name).environment(component, secretSample);
      const known = knownVariables(component);
      for (const variable of Object.keys(env).filter((v) => v.startsWith('MM_'))) {
        expect(known.has(variable), `${component}: ${variable} is not one of its variables`).toBe(true);
      }
      expect(() => LOADERS[component](env), component).not.toThrow();
    }
  });

  it('runs every pod non-root on a read-only root, all capabilities dropped, seccomp RuntimeDefault, /tmp an emptyDir', () => {
    for (const component of COMPONENTS) {
      const pod = render(name).deployment(component).spec.template.spec;
      expect(pod.securityContext, component).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 10001,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.automountServiceAccountToken, component).toBe(false);
      const container = render(name).container(component);
      expect(container.securityContext, component).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
      expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir, component).toBeDefined();
    }
  });

  it("turns off Kubernetes' service-link variables, MM_* names the loaders refuse for a release named mm-…", () => {
    const r = render(name);
    for (const component of COMPONENTS) {
      expect(r.deployment(component).spec.template.spec.enableServiceLinks, component).toBe(false);
    }
    // What the kubelet would add for the chart's own Services (this render's release is "mm").
    const injected = Object.fromEntries(
      r.ofKind('Service').flatMap((service) => {
        const prefix = service.metadata.name.toUpperCase().replaceAll('-', '_');
        return [`${prefix}_SERVICE_HOST`, `${prefix}_SERVICE_PORT`, `${prefix}_PORT`].map((v) => [v, '1']);
      }),
    );
    expect(Object.keys(injected)).toContain('MM_MESH_MOMENTUM_PROCESSOR_SERVICE_HOST');
    const env = { ...r.environment('processor', secretSample), ...injected };
    expect(() => LOADERS.processor(env)).toThrow(/MM_MESH_MOMENTUM_PROCESSOR_SERVICE_HOST/);
  });

  it('takes secrets only from Secret references: none in a ConfigMap, no literal value, no Secret of its own', () => {
    const r = render(name);
    expect(secretsInConfigMaps(r)).toEqual([]);
    expect(r.ofKind('Secret')).toEqual([]);
    for (const component of COMPONENTS) {
      for (const entry of r.container(component).env ?? []) {
        expect(entry.value, `${component}: ${entry.name} has a literal value`).toBeUndefined();
        expect(entry.valueFrom?.secretKeyRef?.name, `${component}: ${entry.name}`).toBeTruthy();
      }
    }
  });

  it("gives Kubernetes longer than the service's own shutdown bound before it kills a pod", () => {
    for (const component of COMPONENTS) {
      const pod = render(name).deployment(component).spec.template.spec;
      const boundMs = Number(render(name).configEnv(component)['MM_SHUTDOWN_TIMEOUT_MS']);
      expect(pod.terminationGracePeriodSeconds * 1000, component).toBeGreaterThan(boundMs);
    }
  });

  it('runs no more processors than the events topic has partitions', () => {
    const partitions = Number(render(name).configEnv('processor')['MM_TOPIC_PARTITIONS']);
    expect(render(name).deployment('processor').spec.replicas).toBeLessThanOrEqual(partitions);
  });

  it("keeps each service's pods under a PodDisruptionBudget and behind a Service whose ports the pod names", () => {
    const r = render(name);
    for (const component of COMPONENTS) {
      const deployment = r.deployment(component);
      const podLabels = deployment.spec.template.metadata.labels;
      const budget = r
        .ofKind('PodDisruptionBudget')
        .find((p) =>
          matches(
            (p.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
            podLabels,
          ),
        );
      expect(budget, `${component}: no PodDisruptionBudget`).toBeDefined();
      const service = r
        .ofKind('Service')
        .find((s) => matches((s.spec as { selector: Record<string, string> }).selector, podLabels));
      expect(service, `${component}: no Service`).toBeDefined();
      for (const port of (service!.spec as { ports: { targetPort: string }[] }).ports) {
        expect(() => r.portNumber(component, port.targetPort), component).not.toThrow();
      }
    }
  });
});

const matches = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe("the processor's memory budget", () => {
  /** budget = limit × 70 % (values.yaml processor.memory.budgetPercent); the processor derives the rest. */
  it.each([
    ['640Mi', 448],
    ['2Gi', 1433],
    ['3000Mi', 2100],
  ])('is derived from a memory limit of %s: %d MiB', (limit, budget) => {
    const env = new Rendered({ set: [`processor.resources.limits.memory=${limit}`] }).configEnv('processor');
    expect(env['MM_PROCESSOR_MEMORY_MB']).toBe(String(budget));
    // The entry point sets the heap limit from the budget: a NODE_OPTIONS heap flag would override it.
    expect(env['NODE_OPTIONS']).toBeUndefined();
    expect(env['MM_PROCESSOR_MIRROR_MB']).toBeUndefined();
    const loaded = LOADERS.processor(env).processor;
    expect(loaded.memoryBudgetBytes).toBe(budget * 1024 * 1024);
    expect(loaded.mirrorMaxBytes).toBe(Math.floor(budget / 2) * 1024 * 1024);
  });

  it('refuses a limit it cannot read, or one leaving too small a budget or too little headroom above it', () => {
    expect(renderRefusal({ set: ['processor.resources.limits.memory=1.5G'] })).toMatch(
      /processor\.resources\.limits\.memory must be a whole number of Mi or Gi \(got "1.5G"\)/,
    );
    expect(renderRefusal({ set: ['processor.resources.limits.memory=180Mi'] })).toMatch(
      /leaves a memory budget of 126 MiB \(processor\.memory\.budgetPercent 70%\), below the processor's least of 128 MiB/,
    );
    // 256Mi: a 179 MiB budget leaves 77 MiB, less than the launcher and an overload's excursion take.
    expect(renderRefusal({ set: ['processor.resources.limits.memory=256Mi'] })).toMatch(
      /leaves 77 MiB above the memory budget of 179 MiB, less than the 85 MiB/,
    );
    expect(
      renderRefusal({
        set: ['processor.resources.limits.memory=640Mi', 'processor.memory.budgetPercent=80'],
      }),
    ).toMatch(/leaves 128 MiB above the memory budget of 512 MiB/);
    // Above 80 % no limit leaves the headroom (50 MiB + 20 % of the budget): the schema refuses it.
    expect(renderRefusal({ set: ['processor.memory.budgetPercent=85'] })).toMatch(/budgetPercent/);
  });
});

describe('values the chart refuses, naming the value and the reason', () => {
  it.each([
    [['processor.replicas=7'], /processor\.replicas \(7\) exceeds topics\.partitions \(6\)/],
    [['redis.url=redis://:pw@redis:6379'], /redis\.url must not carry user:password@/],
    [['dashboard.targetWrites=true'], /dashboard\.targetWrites needs dashboard\.adminTokensSecret\.name/],
    [['alerter.adminWrites=true'], /alerter\.adminWrites needs alerter\.adminTokensSecret\.name/],
    [
      ['kafka.sasl.mechanism=plain', 'kafka.sasl.username=u'],
      /kafka\.sasl\.passwordSecret\.name is required/,
    ],
    [
      ['alerter.extraEnv.MM_ALERTER_WEBHOOK_SECRET=whsec_x'],
      /looks secret: give it through alerter\.secretEnv/,
    ],
    [['processor.extraEnv.MM_PROCESSOR_MEMORY_MB=900'], /the chart sets this variable from its values/],
    [
      ['dashboard.secretEnv.MM_REDIS_URL.name=s', 'dashboard.secretEnv.MM_REDIS_URL.key=k'],
      /both as a value and as a Secret reference/,
    ],
    // values.schema.json: a misspelt key or a value out of its set, as the services' loaders refuse them.
    [['procesor.replicas=2'], /additional properties 'procesor' not allowed/],
    [
      ['processor.extraEnv.NODE_OPTIONS=--inspect'],
      /at '\/processor\/extraEnv': additional properties 'NODE_OPTIONS'/,
    ],
    [['kafka.sasl.mechanism=scram'], /at '\/kafka\/sasl\/mechanism': value must be one of/],
  ])('--set %j', (set, message) => {
    expect(renderRefusal({ set })).toMatch(message);
  });

  it('and the secret check above finds a credential smuggled into a ConfigMap', () => {
    const smuggled = new Rendered({
      set: ['dashboard.extraEnv.MM_SCHEMA_REGISTRY_URL=https://u:p@registry/apis'],
    });
    expect(secretsInConfigMaps(smuggled)).toEqual([
      expect.stringMatching(/-dashboard: MM_SCHEMA_REGISTRY_URL=.* looks secret/),
    ]);
  });
});

describe('values-production.yaml', () => {
  it('uses SASL over TLS, a Redis Cluster, registry auth and admin tokens, each secret by reference', () => {
    const r = render('values-production.yaml');
    const env = r.configEnv('processor');
    expect(env).toMatchObject({ MM_KAFKA_SSL: 'true', MM_KAFKA_SASL_MECHANISM: 'scram-sha-512' });
    expect(env['MM_REDIS_CLUSTER_NODES']?.split(',')).toHaveLength(3);
    const refs = (component: Component) => (r.container(component).env ?? []).map((e) => e.name).sort();
    expect(refs('processor')).toEqual([
      'MM_KAFKA_SASL_PASSWORD',
      'MM_REDIS_URL',
      'MM_SCHEMA_REGISTRY_PASSWORD',
    ]);
    expect(refs('dashboard')).toEqual(['MM_DASHBOARD_ADMIN_TOKENS', 'MM_REDIS_URL']);
    expect(refs('alerter')).toContain('MM_ALERTER_ADMIN_TOKENS');
    expect(refs('ingest')).toContain('MM_INGEST_PERSON_ID_KEY');
  });

  it('mounts the ingest gateway file from its Secret where MM_INGEST_CONFIG_FILE points', () => {
    const r = render('values-production.yaml');
    const file = r.configEnv('ingest')['MM_INGEST_CONFIG_FILE']!;
    const mount = r.container('ingest').volumeMounts?.find((m) => file.startsWith(`${m.mountPath}/`));
    const volume = r.deployment('ingest').spec.template.spec.volumes?.find((v) => v.name === mount?.name);
    expect(volume?.secret?.secretName).toBe('mesh-momentum-gateway');
  });

  it('gives the processor and the dashboard a scoring config file their loader accepts', () => {
    const r = render('values-production.yaml');
    const scoring = r.objects.find((o) => o.kind === 'ConfigMap' && o.data?.['scoring.json'] !== undefined);
    const dir = mkdtempSync(join(tmpdir(), 'mm-chart-'));
    writeFileSync(join(dir, 'scoring.json'), scoring!.data!['scoring.json']!);
    expect(loadScoringConfigFile(join(dir, 'scoring.json')).stall.decline.minFallPoints).toBe(40);
    for (const component of ['processor', 'dashboard'] as const) {
      const file = r.configEnv(component)['MM_SCORING_CONFIG_FILE']!;
      const mount = r.container(component).volumeMounts?.find((m) => file.startsWith(`${m.mountPath}/`));
      const volume = r.deployment(component).spec.template.spec.volumes?.find((v) => v.name === mount?.name);
      expect(volume?.configMap?.name, component).toBe(scoring!.metadata.name);
    }
  });

  it('routes the Ingress hosts to the dashboard and the gateway, and links alerts to the dashboard host', () => {
    const r = render('values-production.yaml');
    const ingress = r.ofKind('Ingress')[0]!.spec as {
      rules: { host: string; http: { paths: { backend: { service: { name: string } } }[] } }[];
    };
    const backend = (host: string) =>
      ingress.rules.find((rule) => rule.host === host)?.http.paths[0]?.backend.service.name;
    expect(backend('momentum.example.com')).toBe(r.deployment('dashboard').metadata.name);
    expect(backend('momentum-ingest.example.com')).toBe(r.deployment('ingest').metadata.name);
    expect(r.configEnv('alerter')['MM_ALERTER_DASHBOARD_URL']).toBe('https://momentum.example.com');
  });

  it("scrapes each service's /metrics (and the dashboard's scores) on a port its Service has, open to Prometheus and the API to the Ingress", () => {
    const r = render('values-production.yaml');
    const { networkPolicy } = parse(readFileSync(`${ROOT}${PRODUCTION_VALUES}`, 'utf8')) as {
      networkPolicy: { ingressFrom: unknown[]; metricsFrom: unknown[] };
    };
    for (const component of COMPONENTS) {
      const name = r.deployment(component).metadata.name;
      const monitor = r.named('ServiceMonitor', name).spec as { endpoints: { port: string; path: string }[] };
      const servicePorts = (r.named('Service', name).spec as { ports: { name: string }[] }).ports.map(
        (p) => p.name,
      );
      // The dashboard serves the scores as series too (docs/prometheus.md).
      const paths = component === 'dashboard' ? ['/metrics', '/metrics/scores'] : ['/metrics'];
      expect(monitor.endpoints.map((e) => e.path)).toEqual(paths);
      for (const e of monitor.endpoints) expect(servicePorts).toContain(e.port);
      const endpoint = monitor.endpoints[0];

      const policy = r.named('NetworkPolicy', name).spec as {
        ingress: { ports: { port: string }[]; from?: unknown[] }[];
      };
      const peersOf = (port: string) =>
        policy.ingress.find((rule) => rule.ports.some((p) => p.port === port))?.from;
      const open = policy.ingress.flatMap((rule) => rule.ports.map((p) => p.port)).sort();
      expect(open, component).toEqual(
        r
          .container(component)
          .ports.map((p) => p.name)
          .sort(),
      );
      expect(peersOf(endpoint!.port), `${component}: metrics`).toEqual(
        expect.arrayContaining(networkPolicy.metricsFrom),
      );
      for (const port of r.container(component).ports.filter((p) => p.name === 'http')) {
        expect(peersOf(port.name), `${component}: API`).toEqual(
          expect.arrayContaining(networkPolicy.ingressFrom),
        );
      }
    }
  });

  it('leaves ServiceMonitors, NetworkPolicies and the Ingress off by default', () => {
    for (const kind of ['ServiceMonitor', 'NetworkPolicy', 'Ingress']) {
      expect(render('default values').ofKind(kind), kind).toEqual([]);
    }
  });
});

describe('the scores:rebuild Job', () => {
  it("is rendered only when asked for, and runs scores:rebuild with exactly the processor's environment", () => {
    expect(render('default values').ofKind('Job')).toEqual([]);
    const r = new Rendered({ values: [PRODUCTION_VALUES], set: ['scoresRebuild.enabled=true'] });
    const [job, ...others] = r.ofKind('Job');
    expect(others).toEqual([]);
    const pod = (job!.spec as { template: { spec: PodSpec } }).template.spec;
    const [container] = pod.containers;
    const processor = r.container('processor');
    expect(container?.args).toEqual(['scores:rebuild', '--yes']);
    expect(container?.envFrom).toEqual(processor.envFrom);
    expect(container?.env).toEqual(processor.env);
    expect(container?.volumeMounts).toEqual(processor.volumeMounts);
    expect(container?.resources).toEqual(processor.resources);
    expect(container?.securityContext).toEqual(processor.securityContext);
    expect(pod.securityContext).toEqual(r.deployment('processor').spec.template.spec.securityContext);
    expect(pod.enableServiceLinks).toBe(false);
  });
});

describe('rolling the pods', () => {
  it('changes every pod template when a setting changes', () => {
    const checksum = (r: Rendered, component: Component): string | undefined =>
      (r.deployment(component) as Deployment).spec.template.metadata.annotations?.['checksum/env'];
    const changed = new Rendered({ set: ['logLevel=debug'] });
    for (const component of COMPONENTS) {
      expect(checksum(changed, component), component).not.toBe(checksum(render('default values'), component));
    }
  });
});
