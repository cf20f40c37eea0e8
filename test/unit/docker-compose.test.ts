import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENV_VARIABLES } from '@mesh-momentum/common';
import { CONFIG_SECTIONS } from '../../scripts/config-sections.ts';

/**
 * docker-compose.yml, infra/local/local-infra.sh and the configuration defaults must agree: an app
 * started with no MM_* variables has to find the infrastructure that either of them started.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string): string => readFileSync(`${root}${path}`, 'utf8');

interface Service {
  readonly image?: string;
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

  it('uses only MM_* variables that the configuration knows (shared, or a service section)', () => {
    const known = [
      ...Object.keys(ENV_VARIABLES),
      ...CONFIG_SECTIONS.flatMap((s) => Object.keys(s.variables)),
    ];
    for (const name of Object.keys(compose.services)) {
      for (const key of Object.keys(environment(name))) {
        if (key.startsWith('MM_')) expect(known, `${name}: ${key}`).toContain(key);
      }
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
