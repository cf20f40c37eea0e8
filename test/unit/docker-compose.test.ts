import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENV_VARIABLES, type Env } from '@mesh-momentum/common';
import { loadAlerterConfig } from '@mesh-momentum/alerter';
import { loadDashboardConfig } from '@mesh-momentum/dashboard';
import { loadIngestConfig } from '@mesh-momentum/ingest';
import { loadProcessorConfig } from '@mesh-momentum/processor';
import { CONFIG_SECTIONS } from '../../scripts/config-sections.ts';
import IMAGE_COMMANDS from '../../deploy/image/commands.json' with { type: 'json' };

/** Each app's own loader, with the checks it makes at start-up beyond single variables. */
const LOADERS: Readonly<Record<string, (env: Env) => unknown>> = {
  alerter: loadAlerterConfig,
  dashboard: loadDashboardConfig,
  ingest: loadIngestConfig,
  processor: loadProcessorConfig,
};

/**
 * docker-compose.yml, infra/local/local-infra.sh and the configuration defaults must agree: an app
 * started with no MM_* variables has to find the infrastructure that either of them started.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string): string => readFileSync(`${root}${path}`, 'utf8');

interface Service {
  readonly image?: string;
  readonly build?: string | { readonly context?: string; readonly dockerfile?: string };
  readonly read_only?: boolean;
  readonly command?: string | readonly string[];
  readonly entrypoint?: string | readonly string[];
  readonly volumes?: readonly string[];
  readonly network_mode?: string;
  readonly ports?: readonly string[];
  readonly environment?: Readonly<Record<string, string | number | boolean | null>> | readonly string[];
  readonly profiles?: readonly string[];
  readonly healthcheck?: { readonly test?: unknown };
  readonly depends_on?: Readonly<Record<string, { readonly condition?: string }>> | readonly string[];
}

const compose = parse(read('docker-compose.yml')) as { services: Readonly<Record<string, Service>> };
const script = read('infra/local/local-infra.sh');

function service(name: string): Service {
  const found = compose.services[name];
  if (found === undefined) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

/** The host port published for a container port ("127.0.0.1:19092:19092" -> 19092). */
function hostPort(name: string, containerPort: number): number {
  for (const mapping of service(name).ports ?? []) {
    const parts = String(mapping).split(':');
    if (Number(parts.at(-1)) === containerPort) return Number(parts.at(-2));
  }
  throw new Error(`service "${name}" does not publish container port ${containerPort}`);
}

function environment(name: string): Record<string, string> {
  const env = service(name).environment ?? {};
  const entries: [string, string][] = Array.isArray(env)
    ? env.map((line: string) => {
        const eq = line.indexOf('=');
        return eq < 0 ? [line, ''] : [line.slice(0, eq), line.slice(eq + 1)];
      })
    : Object.entries(env).map(([key, value]) => [key, String(value ?? '')]);
  return Object.fromEntries(entries);
}

function defaultOf(name: keyof typeof ENV_VARIABLES): string {
  const value = ENV_VARIABLES[name].default;
  if (value === undefined) throw new Error(`${name} has no default`);
  return value;
}

const urlPort = (url: string): number => Number(new URL(url).port);
const brokerPort = (brokers: string): number => Number(brokers.split(',')[0]?.split(':').at(-1));

/** The default the script gives a port variable: `${MM_LOCAL_KAFKA_PORT:-19092}` -> 19092. */
function scriptDefault(variable: string): number {
  const match = new RegExp(`\\$\\{${variable}:-(\\d+)\\}`).exec(script);
  if (match?.[1] === undefined) throw new Error(`local-infra.sh does not default ${variable}`);
  return Number(match[1]);
}

const kafkaPort = brokerPort(defaultOf('MM_KAFKA_BROKERS'));
const registryPort = urlPort(defaultOf('MM_SCHEMA_REGISTRY_URL'));
const redisPort = urlPort(defaultOf('MM_REDIS_URL'));

describe('docker-compose.yml', () => {
  it('publishes Kafka on the port of the MM_KAFKA_BROKERS default, advertised as 127.0.0.1', () => {
    expect(hostPort('kafka', kafkaPort)).toBe(kafkaPort);
    expect(environment('kafka')['KAFKA_ADVERTISED_LISTENERS']).toContain(`127.0.0.1:${kafkaPort}`);
  });

  it('publishes the registry on the port of the MM_SCHEMA_REGISTRY_URL default', () => {
    expect(hostPort('registry', 8080)).toBe(registryPort);
    expect(new URL(defaultOf('MM_SCHEMA_REGISTRY_URL')).pathname).toBe('/apis/ccompat/v7');
  });

  it('publishes Redis on the port of the MM_REDIS_URL default, with noeviction and AOF', () => {
    expect(hostPort('redis', 6379)).toBe(redisPort);
    const command = JSON.stringify(service('redis')).replaceAll('"', '');
    expect(command).toMatch(/--maxmemory-policy,noeviction/);
    expect(command).toMatch(/--appendonly,yes/);
  });

  it('gives every infrastructure service a health check', () => {
    for (const name of ['kafka', 'registry', 'redis']) {
      expect(service(name).healthcheck?.test, name).toBeDefined();
    }
  });

  it('publishes Alertmanager where infra/local runs it, and runs the alerter under the app profile', () => {
    expect(hostPort('alertmanager', 9093)).toBe(scriptDefault('MM_LOCAL_ALERTMANAGER_PORT'));
    expect(service('alertmanager').healthcheck?.test).toBeDefined();
    const alerter = service('alerter');
    expect(alerter.profiles).toContain('app');
    expect(new URL(environment('alerter')['MM_ALERTER_ALERTMANAGER_URL'] ?? '').host).toBe(
      'alertmanager:9093',
    );
  });

  it('runs the ingest gateway under the app profile, reachable from the host on loopback only', () => {
    const ingest = service('ingest');
    expect(ingest.profiles).toContain('app');
    const env = environment('ingest');
    expect(env['MM_KAFKA_BROKERS']).toBe('kafka:9092');
    expect(new URL(env['MM_REDIS_URL'] ?? '').host).toBe('redis:6379');
    // Inside the container, loopback would be unreachable through the published port.
    expect(env['MM_INGEST_HTTP_HOST']).toBe('0.0.0.0');
    for (const mapping of ingest.ports ?? []) expect(String(mapping)).toMatch(/^127\.0\.0\.1:/);
    expect(ingest.ports).toEqual(
      expect.arrayContaining([expect.stringContaining(':8088:8088'), expect.stringContaining(':9465:9465')]),
    );
  });

  it('runs the processor under the app profile, pointed at the services, with the default topics', () => {
    const processor = service('processor');
    expect(processor.profiles).toContain('app');
    const env = environment('processor');
    expect(env['MM_KAFKA_BROKERS']).toBe('kafka:9092');
    expect(new URL(env['MM_SCHEMA_REGISTRY_URL'] ?? '').host).toBe('registry:8080');
    expect(new URL(env['MM_REDIS_URL'] ?? '').host).toBe('redis:6379');
    for (const topic of ['MM_TOPIC_EVENTS', 'MM_TOPIC_DLQ'] as const) {
      if (env[topic] !== undefined) expect(env[topic], topic).toBe(defaultOf(topic));
    }
    const dependsOn = processor.depends_on ?? {};
    expect(Array.isArray(dependsOn) ? dependsOn : Object.keys(dependsOn)).toEqual(
      expect.arrayContaining(['kafka', 'registry', 'redis']),
    );
  });
});

describe('the Redis Cluster (profile cluster, infra/local/redis-cluster.sh)', () => {
  const clusterScript = read('infra/local/redis-cluster.sh');
  const firstPort = Number(/MM_LOCAL_REDIS_CLUSTER_PORT:-(\d+)/.exec(clusterScript)?.[1]);

  it('runs three masters on the ports of the local script, with noeviction, AOF always and cluster mode', () => {
    expect(firstPort).toBe(17001);
    for (const [i, name] of ['redis-cluster-1', 'redis-cluster-2', 'redis-cluster-3'].entries()) {
      expect(service(name).profiles).toEqual(['cluster']);
      const command = JSON.stringify(service(name)).replaceAll('"', '');
      expect(command).toContain(`--port,${firstPort + i}`);
      for (const flag of [/--cluster-enabled,yes/, /--maxmemory-policy,noeviction/, /--appendfsync,always/])
        expect(command, name).toMatch(flag);
      expect(service(name).healthcheck?.test, name).toBeDefined();
    }
    expect(clusterScript).toMatch(/--appendfsync always --cluster-enabled yes/);
  });

  it('creates the cluster from the same three nodes', () => {
    const init = JSON.stringify(service('redis-cluster-init'));
    for (const i of [0, 1, 2]) expect(init).toContain(`127.0.0.1:${firstPort + i}`);
  });
});

describe('infra/local/local-infra.sh', () => {
  it('defaults to the same ports as the configuration', () => {
    expect(scriptDefault('MM_LOCAL_KAFKA_PORT')).toBe(kafkaPort);
    expect(scriptDefault('MM_LOCAL_REGISTRY_PORT')).toBe(registryPort);
    expect(scriptDefault('MM_LOCAL_REDIS_PORT')).toBe(redisPort);
  });
});

/**
 * The app services (run from the project's image), checked against the code: what they run, the
 * variables they set, and the addresses between the containers.
 */
const rootScripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

/** Compose's `${VAR:-default}` / `${VAR}` as `docker compose` resolves them with VAR unset. */
const interpolate = (value: string): string =>
  value.replace(/\$\{[A-Z0-9_]+(?::?-([^}]*))?\}/g, (_m, fallback: string | undefined) => fallback ?? '');

const argv = (value: string | readonly string[] | undefined): string[] =>
  value === undefined ? [] : typeof value === 'string' ? value.split(/\s+/) : [...value];

/**
 * The source of the module the service runs: its command is an image entry point command
 * (deploy/image/commands.json), whose compiled module `services/<name>/dist/main.js` is built from
 * `services/<name>/src/main.ts`.
 */
function mainModule(name: string): string | undefined {
  const command = argv(service(name).command)[0] ?? '';
  if (!Object.hasOwn(IMAGE_COMMANDS, command)) return undefined;
  const compiled = IMAGE_COMMANDS[command as keyof typeof IMAGE_COMMANDS].module;
  return compiled.replace('/dist/', '/src/').replace(/\.js$/, '.ts');
}

/** Our apps: the services built from the repository's Dockerfile. */
const appServices = Object.keys(compose.services).filter((name) => service(name).build !== undefined);

/** Container ports a service listens on: the container side of its published ports, and Kafka's listeners. */
function containerPorts(name: string): number[] {
  const published = (service(name).ports ?? []).map((m) => Number(String(m).split(':').at(-1)));
  const listeners = environment(name)['KAFKA_LISTENERS'] ?? '';
  const kafka = [...listeners.matchAll(/:(\d+)/g)].map((m) => Number(m[1]));
  return [...published, ...kafka];
}

/** `host:port` pairs an MM_* value names: URLs, and comma-separated `host:port` lists (brokers). */
function addressesIn(value: string): { host: string; port: number }[] {
  return value.split(',').flatMap((part) => {
    const text = part.trim();
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
      const url = new URL(text);
      const port =
        url.port ||
        ({ 'http:': '80', 'https:': '443', 'redis:': '6379' } as Record<string, string>)[url.protocol];
      return port ? [{ host: url.hostname, port: Number(port) }] : [];
    }
    const m = /^([a-z0-9.-]+):(\d+)$/i.exec(text);
    return m ? [{ host: m[1] as string, port: Number(m[2]) }] : [];
  });
}

function dependsOn(name: string): string[] {
  const d = service(name).depends_on ?? {};
  return Array.isArray(d) ? [...d] : Object.keys(d);
}

describe('docker-compose.yml: the app services', () => {
  it('runs each app with a command that exists: a module a pnpm script runs', () => {
    expect(appServices.sort()).toEqual(['alerter', 'dashboard', 'ingest', 'processor']);
    const scriptTargets = Object.values(rootScripts).flatMap((line) => line.split(/\s+/));
    for (const name of appServices) {
      const main = mainModule(name);
      expect(main, `${name}: command runs none of our modules`).toBeDefined();
      expect(existsSync(`${root}${main}`), `${name}: ${main} does not exist`).toBe(true);
      expect(scriptTargets, `${name}: no pnpm script runs ${main}`).toContain(main);
    }
  });

  it('builds every app from the Dockerfile into one image, run with a read-only root filesystem', () => {
    const images = new Set(appServices.map((name) => service(name).image));
    expect(images.size, 'one image for every app').toBe(1);
    for (const name of appServices) {
      expect(service(name).build, name).toBe('.');
      expect(service(name).read_only, name).toBe(true);
      expect(service(name).volumes, `${name}: runs the image, not a mounted tree`).toBeUndefined();
    }
    expect(existsSync(`${root}Dockerfile`)).toBe(true);
  });

  it('refers only to files that exist (bind mounts, entrypoints)', () => {
    for (const name of Object.keys(compose.services)) {
      for (const volume of service(name).volumes ?? []) {
        const source = String(volume).split(':')[0] ?? '';
        if (source.startsWith('.')) expect(existsSync(`${root}${source}`), `${name}: ${source}`).toBe(true);
      }
      for (const arg of [...argv(service(name).entrypoint), ...argv(service(name).command)]) {
        if (/^(\.\/)?(services|packages|scripts|infra)\//.test(arg))
          expect(existsSync(`${root}${arg}`), `${name}: ${arg}`).toBe(true);
      }
    }
  });

  it("sets only MM_* variables of the app's own configuration (shared, or its section), with values it accepts", () => {
    for (const name of appServices) {
      const sectionName = /^services\/([^/]+)\//.exec(mainModule(name) ?? '')?.[1];
      const section = CONFIG_SECTIONS.find((s) => s.name === sectionName);
      expect(section, `${name}: no config section ${sectionName}`).toBeDefined();
      const known = new Set([...Object.keys(ENV_VARIABLES), ...Object.keys(section!.variables)]);
      const env = Object.fromEntries(
        Object.entries(environment(name))
          .filter(([key]) => key.startsWith('MM_'))
          .map(([key, value]) => [key, interpolate(value)]),
      );
      for (const key of Object.keys(env))
        expect(known.has(key), `${name}: ${key} is not a variable of ${sectionName}`).toBe(true);
      // The service's own loader, as it starts: unknown variables of its prefix, bad values and start-up
      // guards (admin writes beyond loopback without a token) refused.
      const load = LOADERS[sectionName ?? ''];
      expect(load, `${name}: no loader for ${sectionName}`).toBeDefined();
      expect(() => load!(env), name).not.toThrow();
    }
  });

  it('points every address at a service that listens there, and starts after it', () => {
    for (const name of appServices) {
      for (const [key, value] of Object.entries(environment(name))) {
        if (!key.startsWith('MM_')) continue;
        for (const { host, port } of addressesIn(interpolate(value))) {
          if (compose.services[host] === undefined) continue; // the host's own address (127.0.0.1, 0.0.0.0)
          expect(containerPorts(host), `${name}: ${key} → ${host}:${port}`).toContain(port);
          expect(dependsOn(name), `${name}: uses ${host} (${key}) without depending on it`).toContain(host);
        }
      }
    }
    // Kafka advertises to the containers the address they are given.
    for (const name of appServices) {
      const brokers = environment(name)['MM_KAFKA_BROKERS'];
      if (brokers) expect(environment('kafka')['KAFKA_ADVERTISED_LISTENERS']).toContain(`//${brokers}`);
    }
  });

  it('uses the registry and Redis where they listen, on the registry path of the default', () => {
    const registryUrl = defaultOf('MM_SCHEMA_REGISTRY_URL');
    for (const name of appServices) {
      const env = environment(name);
      const registry = env['MM_SCHEMA_REGISTRY_URL'];
      if (registry !== undefined) {
        expect(new URL(registry).host, name).toBe(`registry:${hostToContainer('registry', registryPort)}`);
        expect(new URL(registry).pathname, name).toBe(new URL(registryUrl).pathname);
      }
      const redis = env['MM_REDIS_URL'];
      expect(redis, `${name}: MM_REDIS_URL`).toBeDefined();
      expect(new URL(redis!).host, name).toBe(`redis:${hostToContainer('redis', redisPort)}`);
    }
  });

  it('publishes each app on loopback at the port it listens on, bound to every interface inside', () => {
    for (const name of appServices) {
      const section = CONFIG_SECTIONS.find((s) => mainModule(name)?.startsWith(`services/${s.name}/`))!;
      const env = environment(name);
      const portOf = (variable: string) => Number(env[variable] ?? section.variables[variable]?.default);
      const listening = Object.keys(section.variables)
        .filter((v) => /_PORT$/.test(v))
        .map(portOf);
      for (const mapping of service(name).ports ?? []) {
        const [host, hostPort, containerPort] = String(mapping).split(':');
        expect(host, `${name}: ${mapping}`).toBe('127.0.0.1');
        expect(hostPort, `${name}: ${mapping}`).toBe(containerPort);
        expect(
          listening,
          `${name}: publishes ${containerPort}, listens on ${listening.join(', ')}`,
        ).toContain(Number(containerPort));
      }
      if ((service(name).ports ?? []).length > 0) {
        const hostVariable = Object.keys(section.variables).find((v) => /_HTTP_HOST$/.test(v))!;
        expect(env[hostVariable], `${name}: ${hostVariable}`).toBe('0.0.0.0');
      }
    }
  });

  it("links the alerter's notifications to the dashboard where the host reaches it", () => {
    const alerter = environment('alerter');
    const dashboardUrl = new URL(
      alerter['MM_ALERTER_DASHBOARD_URL'] ??
        (CONFIG_SECTIONS.find((s) => s.name === 'alerter')!.variables['MM_ALERTER_DASHBOARD_URL']
          ?.default as string),
    );
    const published = (service('dashboard').ports ?? []).map((m) => String(m).split(':'));
    expect(published.map(([host, port]) => `${host}:${port}`)).toContain(dashboardUrl.host);
    const am = new URL(alerter['MM_ALERTER_ALERTMANAGER_URL'] ?? '');
    expect(am.hostname).toBe('alertmanager');
    expect(containerPorts('alertmanager')).toContain(Number(am.port));
  });
});

/** The container port a service publishes on `hostPort` (`127.0.0.1:18081:8080` → 8080). */
function hostToContainer(name: string, hostPortNumber: number): number {
  for (const mapping of service(name).ports ?? []) {
    const parts = String(mapping).split(':');
    if (Number(parts.at(-2)) === hostPortNumber) return Number(parts.at(-1));
  }
  throw new Error(`service "${name}" does not publish host port ${hostPortNumber}`);
}
