/**
 * Where the integration tests find Kafka, the schema registry and Redis. The global set-up resolves
 * them once per run and hands them to every test file, which then builds its own config with unique
 * topic names and a unique Redis key prefix.
 */
export interface ServiceEndpoints {
  /** Comma-separated host:port list. */
  readonly kafkaBrokers: string;
  /** Confluent-compatible API base URL. */
  readonly registryUrl: string;
  readonly redisUrl: string;
  /** Seed nodes (host:port list) of a Redis Cluster to use instead of `redisUrl` (the cluster project). */
  readonly redisClusterNodes?: string;
  /** How they were found: given by env variables, started in Docker, or the project's local infra. */
  readonly origin: 'env' | 'docker' | 'local';
}

/** Variables that point the tests at already-running services (all three must be set together). */
export const TEST_ENDPOINT_VARIABLES = {
  kafkaBrokers: 'MM_TEST_KAFKA_BROKERS',
  registryUrl: 'MM_TEST_SCHEMA_REGISTRY_URL',
  redisUrl: 'MM_TEST_REDIS_URL',
} as const;

/**
 * The Redis Cluster the `integration-cluster` project runs on (host:port list); when unset, its global
 * set-up starts the local one (infra/local/local-infra.sh redis-cluster up).
 */
export const TEST_CLUSTER_VARIABLE = 'MM_TEST_REDIS_CLUSTER_NODES';

export function endpointsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): ServiceEndpoints | undefined {
  const kafkaBrokers = env[TEST_ENDPOINT_VARIABLES.kafkaBrokers];
  const registryUrl = env[TEST_ENDPOINT_VARIABLES.registryUrl];
  const redisUrl = env[TEST_ENDPOINT_VARIABLES.redisUrl];
  const given = [kafkaBrokers, registryUrl, redisUrl].filter((v) => v !== undefined && v !== '');
  if (given.length === 0) return undefined;
  if (!kafkaBrokers || !registryUrl || !redisUrl) {
    throw new Error(
      `set all of ${Object.values(TEST_ENDPOINT_VARIABLES).join(', ')} to use running services, or none of them`,
    );
  }
  return { kafkaBrokers, registryUrl, redisUrl, origin: 'env' };
}
