import type { Kafka } from 'kafkajs';
import {
  createLogger,
  loadConfig,
  type Config,
  type ConfigSection,
  type Env,
  type Logger,
} from '@mesh-momentum/common';
import { EventCodec, RegistryClient, registryOptionsFrom } from '@mesh-momentum/events';
import { createKafka } from '@mesh-momentum/kafka';
import {
  connectRedis,
  createRedis,
  nonDurableClusterMasters,
  type RedisClient,
  type RedisClientOptions,
} from './redis-client.ts';

/** What a service needs from the MM_* environment: validated config, logger, and its clients. */
export interface Runtime<C extends Config = Config> {
  readonly config: C;
  readonly logger: Logger;
  readonly kafka: Kafka;
  readonly redis: RedisClient;
  readonly codec: EventCodec;
}

export interface RuntimeOptions {
  /** The service's logger. @defaultValue a logger named for the role at `config.logLevel` */
  readonly logger?: Logger;
  /** How the Redis client sends commands. @defaultValue one write per command */
  readonly redis?: RedisClientOptions;
}

/**
 * Validates the shared configuration and the service's own section (throws ConfigError naming each bad variable), then connects Redis within
 * its connect timeout (a silent or missing Redis fails start-up with a clear error, never a hang).
 * Kafka clients connect when the service starts them, each request bounded by MM_KAFKA_REQUEST_TIMEOUT_MS.
 */
export async function connectRuntime<N extends string, T>(
  role: string,
  env: Env,
  section: ConfigSection<N, T>,
): Promise<Runtime<Config & { readonly [K in N]: T }>> {
  return connectRuntimeWith(role, loadConfig(env, section));
}

/**
 * `connectRuntime` for a configuration already loaded (a service started by a test, a benchmark or the
 * demo with its own config and logger): the same clients, built the same way.
 */
export async function connectRuntimeWith<C extends Config>(
  role: string,
  config: C,
  options: RuntimeOptions = {},
): Promise<Runtime<C>> {
  const logger = options.logger ?? createLogger({ name: role, level: config.logLevel });
  const kafka = createKafka(config.kafka, { logger, clientId: `${config.kafka.clientId}-${role}` });
  const redis = createRedis(config.redis, logger.child({ component: 'redis' }), options.redis);
  await connectRedis(redis, config.redis);
  const fragile = await nonDurableClusterMasters(redis);
  if (fragile.length > 0) {
    logger.warn(
      { masters: fragile },
      'Redis Cluster masters without appendfsync always: a crash may lose applied batches that replay cannot restore (docs/redis-contract.md, "On a Redis Cluster")',
    );
  }
  const codec = new EventCodec(new RegistryClient(registryOptionsFrom(config)));
  return { config, logger, kafka, redis, codec };
}
