import {
  Kafka,
  logLevel as KafkaLogLevel,
  type KafkaConfig as KafkaJsConfig,
  type logCreator,
} from 'kafkajs';
import type { KafkaConfig, Logger } from '@mesh-momentum/common';

/** Routes kafkajs' own log lines into our pino logger, under `component: kafkajs`. */
function pinoLogCreator(logger: Logger): logCreator {
  // `lib`, not `component`: the caller's logger usually carries a component already.
  const child = logger.child({ lib: 'kafkajs' });
  return () =>
    ({ level, log }) => {
      const { message, ...rest } = log;
      switch (level) {
        case KafkaLogLevel.ERROR:
          child.error(rest, message);
          break;
        case KafkaLogLevel.WARN:
          child.warn(rest, message);
          break;
        case KafkaLogLevel.INFO:
          child.info(rest, message);
          break;
        default:
          child.debug(rest, message);
      }
    };
}

/** kafkajs log level that matches the pino level, so kafkajs does not format lines pino would drop. */
function kafkaLogLevelFor(logger: Logger): KafkaLogLevel {
  switch (logger.level) {
    case 'trace':
    case 'debug':
      return KafkaLogLevel.DEBUG;
    case 'info':
      return KafkaLogLevel.INFO;
    case 'warn':
      return KafkaLogLevel.WARN;
    case 'silent':
      return KafkaLogLevel.NOTHING;
    default:
      return KafkaLogLevel.ERROR;
  }
}

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
