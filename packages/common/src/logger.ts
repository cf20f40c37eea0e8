import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths pino replaces with "[redacted]" wherever they appear in a log line. Secrets reach log lines
 * through config objects and client options, so every place a credential can sit is listed.
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'sasl.password',
  'kafka.sasl.password',
  'registry.auth.password',
  'redis.url',
  '*.redisUrl',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'token',
  '*.token',
] as const;

export interface CreateLoggerOptions {
  /** @defaultValue 'info' */
  readonly level?: LoggerOptions['level'];
  /** Service name, shown as `service` on every line; child loggers add `component`. */
  readonly name: string;
  /** Where to write; defaults to stdout. Tests pass a stream to read the output. */
  readonly destination?: NodeJS.WritableStream;
}

export function createLogger(options: CreateLoggerOptions): Logger {
  const pinoOptions: LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: options.name },
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}
