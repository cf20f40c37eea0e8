import type { Kafka } from 'kafkajs';
import { createLogger, loadConfig, type Config, type Env, type Logger } from '@mesh-momentum/common';
import { EventCodec, RegistryClient, registryOptionsFrom } from '@mesh-momentum/events';
import { createKafka } from '@mesh-momentum/kafka';
import { connectRedis, createRedis, type RedisClient } from './redis-client.ts';

/** What a service needs from the MM_* environment: validated config, logger, and its clients. */
export interface Runtime {
  readonly config: Config;
  readonly logger: Logger;
  readonly kafka: Kafka;
  readonly redis: RedisClient;
  readonly codec: EventCodec;
}

/**
 * Validates the configuration (throws ConfigError naming each bad variable), then connects Redis within
 * its connect timeout (a silent or missing Redis fails start-up with a clear error, never a hang).
 * Kafka clients connect when the service starts them, each request bounded by MM_KAFKA_REQUEST_TIMEOUT_MS.
 */
export async function connectRuntime(role: string, env: Env = process.env): Promise<Runtime> {
  const config = loadConfig(env);
  const logger = createLogger({ name: role, level: config.logLevel });
  const kafka = createKafka(config.kafka, { logger, clientId: `${config.kafka.clientId}-${role}` });
  const redis = createRedis(config.redis, logger.child({ component: 'redis' }));
  await connectRedis(redis, config.redis);
  const codec = new EventCodec(new RegistryClient(registryOptionsFrom(config)));
  return { config, logger, kafka, redis, codec };
}
