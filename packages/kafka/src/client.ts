import { Kafka, type KafkaConfig as KafkaJsConfig } from 'kafkajs';
import type { KafkaConfig, Logger } from '@mesh-momentum/common';
import { kafkaLogLevelFor, pinoLogCreator } from './log-adapter.ts';

export interface CreateKafkaOptions {
  readonly logger: Logger;
  /** Overrides the configured client id, e.g. per role (`mesh-momentum-processor`). */
  readonly clientId?: string;
}

export function toKafkaJsConfig(config: KafkaConfig, options: CreateKafkaOptions): KafkaJsConfig {
  return {
    brokers: [...config.brokers],
    clientId: options.clientId ?? config.clientId,
    // Bounded waits on a broker that accepts connections but never answers: each request fails after
    // requestTimeout (kafkajs enforces it), so callers get an error instead of a hang.
    connectionTimeout: config.connectionTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    enforceRequestTimeout: true,
    ssl: config.ssl === false ? false : { rejectUnauthorized: config.ssl.rejectUnauthorized },
    ...(config.sasl
      ? {
          sasl:
            config.sasl.mechanism === 'plain'
              ? { mechanism: 'plain', username: config.sasl.username, password: config.sasl.password }
              : config.sasl.mechanism === 'scram-sha-256'
                ? {
                    mechanism: 'scram-sha-256',
                    username: config.sasl.username,
                    password: config.sasl.password,
                  }
                : {
                    mechanism: 'scram-sha-512',
                    username: config.sasl.username,
                    password: config.sasl.password,
                  },
        }
      : {}),
    logLevel: kafkaLogLevelFor(options.logger),
    logCreator: pinoLogCreator(options.logger),
  };
}

export function createKafka(config: KafkaConfig, options: CreateKafkaOptions): Kafka {
  return new Kafka(toKafkaJsConfig(config, options));
}
