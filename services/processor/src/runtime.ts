import { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import { createLogger, loadConfig, type Config, type Logger } from '@mesh-momentum/common';
import { EventCodec, RegistryClient, registryOptionsFrom } from '@mesh-momentum/events';
import { createKafka } from '@mesh-momentum/kafka';
import type { ScoringConfig } from '@mesh-momentum/scoring';
import { loadScoringConfig } from './scoring-config.ts';

/** What the processor's commands (run, rebuild) need, built from the MM_* environment. */
export interface Runtime {
  readonly config: Config;
  readonly scoring: ScoringConfig;
  readonly logger: Logger;
  readonly kafka: Kafka;
  readonly redis: Redis;
  readonly codec: EventCodec;
}

/** Validates the configuration (throws ConfigError naming each bad variable), then connects Redis. */
export async function connectRuntime(role: string, env = process.env): Promise<Runtime> {
  const config = loadConfig(env);
  const scoring = loadScoringConfig(config.scoringConfigFile);
  const logger = createLogger({ name: role, level: config.logLevel });
  const kafka = createKafka(config.kafka, { logger, clientId: `${config.kafka.clientId}-${role}` });
  // No automatic re-send after a reconnect: a write whose outcome is unknown fails as retriable and the
  // processor decides what to apply again (Redis may have come back without it).
  const redis = new Redis(config.redis.url, { lazyConnect: true, autoResendUnfulfilledCommands: false });
  await redis.connect();
  const codec = new EventCodec(new RegistryClient(registryOptionsFrom(config)));
  return { config, scoring, logger, kafka, redis, codec };
}
