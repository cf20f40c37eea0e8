import { readFileSync } from 'node:fs';
import { Kafka, type KafkaConfig as KafkaJsConfig } from 'kafkajs';
import { ConfigError, type KafkaConfig, type Logger } from '@mesh-momentum/common';
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
    ssl:
      config.ssl === false
        ? false
        : {
            rejectUnauthorized: config.ssl.rejectUnauthorized,
            ...(config.ssl.caFile === undefined ? {} : { ca: [readCaBundle(config.ssl.caFile)] }),
          },
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

/** CA bundles already read, by path: every client of the process shares one read. */
const caBundles = new Map<string, string>();

/**
 * The PEM text of MM_KAFKA_SSL_CA_FILE, read once per process, when the first client is built (at
 * start-up). A file that cannot be read or holds no certificate is a configuration error naming the variable.
 */
function readCaBundle(path: string): string {
  const known = caBundles.get(path);
  if (known !== undefined) return known;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([
      { field: 'MM_KAFKA_SSL_CA_FILE', reason: `cannot be read (${(error as Error).message})` },
    ]);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----'))
    throw new ConfigError([
      {
        field: 'MM_KAFKA_SSL_CA_FILE',
        reason: `${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
      },
    ]);
  caBundles.set(path, text);
  return text;
}

export function createKafka(config: KafkaConfig, options: CreateKafkaOptions): Kafka {
  return new Kafka(toKafkaJsConfig(config, options));
}
