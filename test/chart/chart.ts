import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { Env } from '@mesh-momentum/common';
import { loadAlerterConfig } from '@mesh-momentum/alerter';
import { loadDashboardConfig } from '@mesh-momentum/dashboard';
import { loadIngestConfig } from '@mesh-momentum/ingest';
import { loadProcessorConfig } from '@mesh-momentum/processor';

/**
 * Renders deploy/helm/mesh-momentum with the pinned helm (scripts/helm.sh, built on first use) and reads
 * what the Kubernetes objects give each service: the environment a container starts with, its probes.
 */

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHART = 'deploy/helm/mesh-momentum';
export const PRODUCTION_VALUES = `${CHART}/values-production.yaml`;

/** The services the chart deploys, each with its own config loader as it runs at start-up. */
export const LOADERS = {
  processor: loadProcessorConfig,
  ingest: loadIngestConfig,
  dashboard: loadDashboardConfig,
  alerter: loadAlerterConfig,
} as const satisfies Record<string, (env: Env) => unknown>;
export type Component = keyof typeof LOADERS;
export const COMPONENTS = Object.keys(LOADERS) as Component[];

/**
 * Where a service serves /healthz and /readyz, by its own loader: the ingest gateway on a port of their
 * own, the others on their one port.
 */
export function probeAddress(
  component: Component,
  env: Env,
): { readonly host: string; readonly port: number } {
  switch (component) {
    case 'processor': {
      const { httpHost, httpPort } = loadProcessorConfig(env).processor;
      return { host: httpHost, port: httpPort };
    }
    case 'ingest': {
      const { httpHost, opsPort } = loadIngestConfig(env).ingest;
      return { host: httpHost, port: opsPort };
    }
    case 'dashboard': {
      const { httpHost, httpPort } = loadDashboardConfig(env).dashboard;
      return { host: httpHost, port: httpPort };
    }
    case 'alerter': {
      const { httpHost, httpPort } = loadAlerterConfig(env).alerter;
      return { host: httpHost, port: httpPort };
    }
  }
}

const KUBE_VALIDATE = 'test/chart/kube-validate';

/** kube-validate built into a directory of its own, and how to run it and remove it. */
export interface KubeValidate {
  /** One verdict per object of `manifests` (YAML documents). */
  readonly run: (manifests: string) => KubeVerdict[];
  readonly remove: () => void;
}

/**
 * Builds test/chart/kube-validate (Go, the Kubernetes API types; modules from the Go module proxy, a
 * minute or two the first time, then Go's build cache).
 */
export function buildKubeValidate(): KubeValidate {
  const dir = mkdtempSync(join(tmpdir(), 'mm-kube-validate-'));
  const binary = join(dir, 'kube-validate');
  const build = spawnSync('go', ['build', '-trimpath', '-buildvcs=false', '-o', binary, '.'], {
    cwd: join(ROOT, KUBE_VALIDATE),
    encoding: 'utf8',
  });
  if (build.error) throw new Error(`go build ${KUBE_VALIDATE}: ${build.error.message} (Go is needed)`);
  if (build.status !== 0) throw new Error(`go build ${KUBE_VALIDATE} failed: ${build.stderr}`);
  const run = (manifests: string): KubeVerdict[] => {
    const run = spawnSync(binary, [], { input: manifests, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (run.error) throw run.error;
    if (run.status === 2) throw new Error(`kube-validate could not read the manifests: ${run.stderr}`);
    return run.stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as KubeVerdict);
  };
  return { run, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** kube-validate's verdict on one object: decoded into its API type with unknown fields refused, or not checked. */
export interface KubeVerdict {
  readonly kind: string;
  readonly name: string;
  readonly checked: boolean;
  readonly error?: string;
}

export interface HelmRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `helm` with `args` from the repository root. */
export function helm(args: readonly string[]): HelmRun {
  const run = spawnSync('bash', ['scripts/helm.sh', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Options of one render: values files (beside the defaults) and `--set` assignments. */
export interface RenderOptions {
  readonly values?: readonly string[];
  readonly set?: readonly string[];
}

function templateArgs(options: RenderOptions): string[] {
  return [
    'template',
    'mm',
    CHART,
    ...(options.values ?? []).flatMap((file) => ['--values', file]),
    ...(options.set ?? []).flatMap((assignment) => ['--set', assignment]),
  ];
}

/** `helm template`'s refusal of `options`: its error text, or a thrown error when it renders. */
export function renderRefusal(options: RenderOptions): string {
  const run = helm(templateArgs(options));
  if (run.status === 0) throw new Error(`helm template accepted ${JSON.stringify(options)}`);
  return run.stderr;
}

export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string> };
  readonly spec?: Record<string, unknown>;
  readonly data?: Record<string, string>;
}

export interface EnvEntry {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef?: { readonly name: string; readonly key: string } };
}

export interface Probe {
  readonly httpGet: { readonly path: string; readonly port: string | number };
}

export interface Container {
  readonly name: string;
  readonly args: readonly string[];
  readonly env?: readonly EnvEntry[];
  readonly envFrom?: readonly { readonly configMapRef?: { readonly name: string } }[];
  readonly ports: readonly { readonly name: string; readonly containerPort: number }[];
  readonly livenessProbe: Probe;
  readonly readinessProbe: Probe;
  readonly securityContext: Record<string, unknown>;
  readonly resources: { readonly limits?: Record<string, string> };
  readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string }[];
}

export interface PodSpec {
  readonly securityContext: Record<string, unknown>;
  readonly containers: readonly Container[];
  readonly volumes?: readonly {
    readonly name: string;
    readonly emptyDir?: unknown;
    readonly configMap?: { readonly name: string };
    readonly secret?: { readonly secretName: string };
  }[];
  readonly terminationGracePeriodSeconds: number;
  readonly automountServiceAccountToken?: boolean;
  readonly enableServiceLinks?: boolean;
}

export interface Deployment extends K8sObject {
  readonly spec: {
    readonly replicas: number;
    readonly selector: { readonly matchLabels: Record<string, string> };
    readonly template: {
      readonly metadata: {
        readonly labels: Record<string, string>;
        readonly annotations?: Record<string, string>;
      };
      readonly spec: PodSpec;
    };
  };
}

/** The objects `helm template` renders for `options`, failing with helm's message when it refuses. */
export class Rendered {
  /** The manifests as helm printed them. */
  readonly text: string;
  readonly objects: readonly K8sObject[];

  constructor(options: RenderOptions = {}) {
    const run = helm(templateArgs(options));
    if (run.status !== 0) throw new Error(`helm template ${JSON.stringify(options)} failed: ${run.stderr}`);
    this.text = run.stdout;
    this.objects = parseAllDocuments(run.stdout)
      .map((doc) => doc.toJS() as K8sObject | null)
      .filter((o): o is K8sObject => o !== null);
  }

  ofKind(kind: string): K8sObject[] {
    return this.objects.filter((o) => o.kind === kind);
  }

  named(kind: string, name: string): K8sObject {
    const found = this.objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (found === undefined) throw new Error(`no ${kind} ${name} rendered`);
    return found;
  }

  /** The Deployment of one service, found by its component label. */
  deployment(component: Component): Deployment {
    const found = this.ofKind('Deployment').find(
      (d) => d.metadata.labels?.['app.kubernetes.io/component'] === component,
    );
    if (found === undefined) throw new Error(`no Deployment for ${component}`);
    return found as Deployment;
  }

  container(component: Component): Container {
    const [container, ...others] = this.deployment(component).spec.template.spec.containers;
    if (container === undefined || others.length > 0) throw new Error(`${component}: expected one container`);
    return container;
  }

  /** The non-secret variables of a service: the ConfigMaps its container takes whole (envFrom). */
  configEnv(component: Component): Record<string, string> {
    const env: Record<string, string> = {};
    for (const source of this.container(component).envFrom ?? []) {
      if (source.configMapRef) Object.assign(env, this.named('ConfigMap', source.configMapRef.name).data);
    }
    return env;
  }

  /**
   * The environment a service starts with: its ConfigMap variables, literal values, and each Secret
   * reference replaced by `secretValue(name)` (what an operator's Secret would hold).
   */
  environment(component: Component, secretValue: (variable: string) => string): Record<string, string> {
    const env = this.configEnv(component);
    for (const entry of this.container(component).env ?? []) {
      env[entry.name] = entry.valueFrom?.secretKeyRef ? secretValue(entry.name) : (entry.value ?? '');
    }
    return env;
  }

  /** The container port a probe (or anything naming a port by name or number) reaches. */
  portNumber(component: Component, port: string | number): number {
    if (typeof port === 'number') return port;
    const found = this.container(component).ports.find((p) => p.name === port);
    if (found === undefined) throw new Error(`${component}: no container port named ${port}`);
    return found.containerPort;
  }
}
