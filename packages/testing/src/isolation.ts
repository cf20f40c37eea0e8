import { randomBytes } from 'node:crypto';
import { loadConfig, type Config, type ConfigSection } from '@mesh-momentum/common';
import type { ServiceEndpoints } from './endpoints.ts';

/** Short random suffix: every test gets its own topics, consumer group and Redis key prefix. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export interface IsolatedEnvOptions {
  /** Readable name of the test, part of every topic and key prefix it gets. */
  readonly name: string;
  /** Extra MM_* variables. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Environment variables of an isolated installation on the shared services. */
export function isolatedEnv(
  endpoints: ServiceEndpoints,
  options: IsolatedEnvOptions,
): Record<string, string> {
  const id = `${options.name.replace(/[^a-zA-Z0-9]+/g, '-').toLowerCase()}-${uniqueSuffix()}`;
  return {
    MM_KAFKA_BROKERS: endpoints.kafkaBrokers,
    MM_SCHEMA_REGISTRY_URL: endpoints.registryUrl,
    MM_REDIS_URL: endpoints.redisUrl,
    ...(endpoints.redisClusterNodes ? { MM_REDIS_CLUSTER_NODES: endpoints.redisClusterNodes } : {}),
    MM_TOPIC_EVENTS: `test.${id}.events`,
    MM_TOPIC_DLQ: `test.${id}.dlq`,
    MM_REDIS_KEY_PREFIX: `test-${id}`,
    MM_KAFKA_CLIENT_ID: `test-${id}`,
    // Its own consumer group too: a group shared across test files rebalances them into each other.
    MM_PROCESSOR_GROUP_ID: `test-${id}`,
    MM_LOG_LEVEL: process.env['MM_TEST_LOG_LEVEL'] ?? 'warn',
    ...options.env,
  };
}

/** The shared configuration of an isolated installation, with a service's own section when given. */
export function isolatedConfig(endpoints: ServiceEndpoints, options: IsolatedEnvOptions): Config;
export function isolatedConfig<N extends string, T>(
  endpoints: ServiceEndpoints,
  options: IsolatedEnvOptions,
  section: ConfigSection<N, T>,
): Config & { readonly [K in N]: T };
export function isolatedConfig(
  endpoints: ServiceEndpoints,
  options: IsolatedEnvOptions,
  section?: ConfigSection,
): Config {
  const env = isolatedEnv(endpoints, options);
  return section ? loadConfig(env, section) : loadConfig(env);
}
