import { pino, type Logger, type LoggerOptions } from 'pino';
import { redactUrlCredentials } from './redact.ts';

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

/** Deepest nesting scrubbed; log objects are shallow, and a bound keeps a cyclic one cheap. */
const MAX_SCRUB_DEPTH = 8;

/**
 * Keys whose value is a credential at any depth (pino's paths match one level per wildcard, so
 * `{ config }` would carry `config.kafka.sasl.password` past them). Compared in lower case.
 */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'password',
  'passwd',
  'secret',
  'token',
  'authorization',
  'x-api-key',
  'apikey',
]);

/**
 * Copies `value` with URL credentials removed from every string in it. Errors become pino's
 * serialised form first, because their message and stack are not enumerable and would escape a walk.
 */
function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactUrlCredentials(value);
  if (value === null || typeof value !== 'object' || depth >= MAX_SCRUB_DEPTH) return value;
  if (value instanceof Error) return scrub(pino.stdSerializers.err(value), depth + 1);
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  if (Buffer.isBuffer(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] =
      SECRET_KEYS.has(key.toLowerCase()) && v !== undefined && v !== '' ? '[redacted]' : scrub(v, depth + 1);
  }
  return out;
}

export function createLogger(options: CreateLoggerOptions): Logger {
  const pinoOptions: LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: options.name },
    // Paths catch credentials in known places; the scrubbing below catches URLs with user-info that
    // end up in messages, error texts (ioredis, fetch) and unexpected fields.
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    // An error scrubbed by the hook is already in serialised form; serialising it again would call
    // its type "Object".
    serializers: { err: (e: unknown) => (e instanceof Error ? scrub(e) : e) },
    hooks: {
      logMethod(args, method) {
        const [first, ...rest] = args as unknown[];
        // pino files an Error given first under `err` with its message as `msg`; keep that shape.
        const head =
          first instanceof Error
            ? [
                { err: scrub(first) },
                ...(typeof rest[0] === 'string' ? [] : [redactUrlCredentials(first.message)]),
              ]
            : [scrub(first)];
        method.apply(this, [...head, ...rest.map((a) => scrub(a))] as Parameters<typeof method>);
      },
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}
