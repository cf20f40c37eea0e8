import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';
import {
  bool,
  brokerList,
  hostPortList,
  integer,
  nonEmpty,
  optionalInteger,
  topicName,
  url,
} from './config-values.ts';
import { parseVariables, SERVICE_PREFIXES, type ConfigSection, type VariableSpec } from './config-section.ts';
import { ConfigError, type FieldIssue } from './errors.ts';

/**
 * Configuration shared by every service, read from environment variables. One table lists every shared
 * variable with its default and meaning; each service adds its own section (`defineConfigSection`,
 * e.g. `MM_PROCESSOR_*` in services/processor). docs/configuration.md is checked against both.
 * `loadConfig` validates the lot, rejects unknown `MM_*` variables (a typo must not silently fall back to a
 * default) and returns a frozen object.
 */

const PREFIX = 'MM_';
/** Edits (insertions, deletions, substitutions) between a typo and the name it suggests, at most. */
const MAX_TYPO_EDITS = 4;

/**
 * `MM_*` names that belong to the project's scripts, infrastructure and tests, not to services:
 * `scripts/toolchain.sh` (MM_CACHE_DIR, MM_NODE_*), `infra/local` (MM_LOCAL_*) and the integration
 * harness (MM_TEST_*) document them, so a user may well have them exported. `loadConfig` leaves them
 * alone; any other unknown `MM_*` name is still refused as a likely typo.
 */
export const SCRIPT_VARIABLES: { readonly names: readonly string[]; readonly prefixes: readonly string[] } = {
  names: ['MM_CACHE_DIR'],
  prefixes: ['MM_LOCAL_', 'MM_TEST_', 'MM_NODE_'],
};

function belongsToScripts(name: string): boolean {
  return SCRIPT_VARIABLES.names.includes(name) || SCRIPT_VARIABLES.prefixes.some((p) => name.startsWith(p));
}

export function variable<T extends z.ZodType, D extends string | undefined>(
  schema: T,
  defaultValue: D,
  doc: string,
  secret = false,
): VariableSpec<T, D> {
  return { schema, default: defaultValue, doc, secret };
}

/** Every variable all services share, with its default. Ports match infra/local and docker-compose.yml. */
export const ENV_VARIABLES = {
  MM_KAFKA_BROKERS: variable(
    brokerList,
    '127.0.0.1:19092',
    'Comma-separated Kafka bootstrap brokers (host:port).',
  ),
  MM_KAFKA_CLIENT_ID: variable(
    nonEmpty,
    'mesh-momentum',
    'Kafka client id, visible in broker logs and quotas.',
  ),
  MM_KAFKA_CONNECT_TIMEOUT_MS: variable(
    integer(100, 120_000),
    '3000',
    'How long to wait for a TCP (and TLS) connection to a broker before trying again, ms.',
  ),
  MM_KAFKA_REQUEST_TIMEOUT_MS: variable(
    integer(1_000, 300_000),
    '30000',
    'How long a broker may take to answer one request before it counts as failed, ms.',
  ),
  MM_KAFKA_SSL: variable(bool, 'false', 'Connect to Kafka over TLS.'),
  MM_KAFKA_SSL_REJECT_UNAUTHORIZED: variable(bool, 'true', "Verify the brokers' TLS certificates."),
  MM_KAFKA_SSL_CA_FILE: variable(
    z.string().trim(),
    '',
    "PEM file of the CA certificates that sign the brokers' certificates (a private CA), read once at start-up; empty: Node's default CAs. Needs MM_KAFKA_SSL=true.",
  ),
  MM_KAFKA_SASL_MECHANISM: variable(
    z.enum(['none', 'plain', 'scram-sha-256', 'scram-sha-512']),
    'none',
    'SASL mechanism for Kafka: none, plain, scram-sha-256 or scram-sha-512.',
  ),
  MM_KAFKA_SASL_USERNAME: variable(z.string(), '', 'SASL user name (required when a mechanism is set).'),
  MM_KAFKA_SASL_PASSWORD: variable(z.string(), '', 'SASL password (required when a mechanism is set).', true),
  MM_SCHEMA_REGISTRY_URL: variable(
    url({
      protocols: ['http:', 'https:'],
      credentialsVia: 'MM_SCHEMA_REGISTRY_USERNAME and MM_SCHEMA_REGISTRY_PASSWORD',
    }),
    'http://127.0.0.1:18081/apis/ccompat/v7',
    'Base URL of the Confluent-compatible schema registry API, without user:password@ (use the two variables below).',
  ),
  MM_SCHEMA_REGISTRY_USERNAME: variable(z.string(), '', 'Registry basic-auth user name (empty: no auth).'),
  MM_SCHEMA_REGISTRY_PASSWORD: variable(z.string(), '', 'Registry basic-auth password.', true),
  MM_REDIS_URL: variable(
    url({ protocols: ['redis:', 'rediss:'] }),
    'redis://127.0.0.1:16379',
    'Redis URL; redis://user:password@host:port/db, rediss:// for TLS.',
    true,
  ),
  MM_REDIS_CONNECT_TIMEOUT_MS: variable(
    integer(100, 120_000),
    '5000',
    'How long to wait for Redis to accept a connection and answer its first command, ms.',
  ),
  MM_REDIS_COMMAND_TIMEOUT_MS: variable(
    integer(100, 600_000),
    '10000',
    'Longest a Redis command (or script) may take before it fails as retriable, ms; bounds every wait on Redis.',
  ),
  MM_REDIS_KEY_PREFIX: variable(
    nonEmpty.regex(/^[a-zA-Z0-9_.-]+$/, 'must be letters, digits, _ . or -'),
    'mm',
    'Prefix of every Redis key Mesh Momentum writes, so several installations can share one Redis.',
  ),
  MM_REDIS_CLUSTER_NODES: variable(
    hostPortList,
    '',
    'Redis Cluster seed nodes (host:port, comma-separated); when set, a Redis Cluster is used with the credentials and TLS of MM_REDIS_URL (its host is then ignored).',
  ),
  MM_TOPIC_EVENTS: variable(topicName, 'mesh-momentum.events.v1', 'Topic that carries every domain event.'),
  MM_TOPIC_DLQ: variable(
    topicName,
    'mesh-momentum.events.v1.dlq',
    'Dead-letter topic for events that cannot be decoded or are invalid.',
  ),
  MM_TOPIC_PARTITIONS: variable(
    integer(1, 10_000),
    '6',
    'Partitions of the events and dead-letter topics when they are created (an upper bound on processor instances).',
  ),
  MM_TOPIC_REPLICATION_FACTOR: variable(
    optionalInteger(1, 32),
    '',
    "Replication factor of the topics when they are created; empty: the cluster's default.replication.factor. Above the cluster's broker count is refused.",
  ),
  MM_TOPIC_TIMESTAMP_TYPE: variable(
    z.enum(['LogAppendTime', 'CreateTime']),
    'LogAppendTime',
    "Record timestamps of the events topic when created: the broker's append time (producers cannot set a future one) or the producer's.",
  ),
  MM_SHUTDOWN_TIMEOUT_MS: variable(
    integer(1_000, 600_000),
    '20000',
    'After SIGTERM or SIGINT, a service that has not stopped cleanly within this long exits anyway (code 1), ms.',
  ),
  MM_MAX_FUTURE_SKEW_MS: variable(
    integer(0, 86_400_000),
    '300000',
    'How far in the future an event time may lie (producer clock skew) before the event is refused, ms.',
  ),
  MM_SCORING_CONFIG_FILE: variable(
    z.string(),
    '',
    'JSON file with scoring weights, half-lives and thresholds (docs/scoring.md); empty: the documented defaults.',
  ),
  MM_LOG_LEVEL: variable(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    'info',
    'pino log level.',
  ),
} as const satisfies Record<string, VariableSpec>;

export type EnvVariableName = keyof typeof ENV_VARIABLES;
type Parsed<K extends EnvVariableName> = z.output<(typeof ENV_VARIABLES)[K]['schema']>;

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface KafkaConfig {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** TLS off, or on with the CA bundle's path (undefined: Node's default CAs). */
  readonly ssl: false | { readonly rejectUnauthorized: boolean; readonly caFile: string | undefined };
  readonly sasl:
    { readonly mechanism: SaslMechanism; readonly username: string; readonly password: string } | undefined;
}

export interface Config {
  readonly kafka: KafkaConfig;
  readonly registry: {
    readonly url: string;
    readonly auth: { readonly username: string; readonly password: string } | undefined;
  };
  readonly redis: {
    readonly url: string;
    readonly keyPrefix: string;
    readonly connectTimeoutMs: number;
    readonly commandTimeoutMs: number;
    /** Seed nodes of a Redis Cluster; undefined: the single Redis of `url`. */
    readonly clusterNodes: readonly string[] | undefined;
  };
  readonly topics: {
    readonly events: string;
    readonly deadLetter: string;
    readonly partitions: number;
    /** Undefined: the cluster's default.replication.factor (packages/kafka, resolveReplicationFactor). */
    readonly replicationFactor: number | undefined;
    /** Who sets record timestamps on the events topic: the broker (default) or the producer. */
    readonly timestampType: 'LogAppendTime' | 'CreateTime';
  };
  /** Bound on a graceful stop after SIGTERM/SIGINT, ms (MM_SHUTDOWN_TIMEOUT_MS). */
  readonly shutdownTimeoutMs: number;
  readonly maxFutureSkewMs: number;
  /** Path of the scoring config file, or undefined for the defaults. */
  readonly scoringConfigFile: string | undefined;
  readonly logLevel: Parsed<'MM_LOG_LEVEL'>;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** A "did you mean": the known name fewest edits away, when it is near enough to be a typo. */
function closestName(name: string, known: readonly string[]): string | undefined {
  const best = closest(name, [...known]);
  return distance(name, best) <= MAX_TYPO_EDITS ? best : undefined;
}

/** Whether `name` is an `MM_*` variable this load does not know and must refuse as a likely typo. */
function isUnknown(name: string, section: ConfigSection | undefined): boolean {
  if (!name.startsWith(PREFIX) || name in ENV_VARIABLES || belongsToScripts(name)) return false;
  if (section && name in section.variables) return false;
  // Another service's variable (one environment file for a whole deployment): not ours to judge.
  return !SERVICE_PREFIXES.some((p) => name.startsWith(p) && p !== section?.prefix);
}

/**
 * Parses and validates every shared variable, and the service's own section when given; throws one
 * ConfigError naming all bad ones.
 */
export function loadConfig(env?: Env): Config;
export function loadConfig<N extends string, T>(
  env: Env,
  section: ConfigSection<N, T>,
): Config & { readonly [K in N]: T };
export function loadConfig(env: Env = process.env, section?: ConfigSection): Config {
  const issues: FieldIssue[] = [];
  const values: Record<string, unknown> = {};
  const known = [...Object.keys(ENV_VARIABLES), ...Object.keys(section?.variables ?? {})];

  for (const name of Object.keys(env)) {
    if (isUnknown(name, section)) {
      const hint = closestName(name, known);
      issues.push({ field: name, reason: `unknown variable${hint ? ` (did you mean ${hint}?)` : ''}` });
    }
  }
  parseVariables(ENV_VARIABLES, env, values, issues);
  if (section) parseVariables(section.variables, env, values, issues);

  const get = <K extends EnvVariableName>(k: K) => values[k] as Parsed<K>;

  if (issues.length === 0) {
    const mechanism = get('MM_KAFKA_SASL_MECHANISM');
    if (mechanism !== 'none') {
      if (get('MM_KAFKA_SASL_USERNAME') === '')
        issues.push({
          field: 'MM_KAFKA_SASL_USERNAME',
          reason: `required when MM_KAFKA_SASL_MECHANISM=${mechanism}`,
        });
      if (get('MM_KAFKA_SASL_PASSWORD') === '')
        issues.push({
          field: 'MM_KAFKA_SASL_PASSWORD',
          reason: `required when MM_KAFKA_SASL_MECHANISM=${mechanism}`,
        });
    }
    if (get('MM_KAFKA_SSL_CA_FILE') !== '' && !get('MM_KAFKA_SSL'))
      issues.push({ field: 'MM_KAFKA_SSL_CA_FILE', reason: 'needs MM_KAFKA_SSL=true' });
    if ((get('MM_SCHEMA_REGISTRY_USERNAME') === '') !== (get('MM_SCHEMA_REGISTRY_PASSWORD') === ''))
      issues.push({
        field: 'MM_SCHEMA_REGISTRY_PASSWORD',
        reason: 'registry user name and password must be set together',
      });
    if (get('MM_TOPIC_EVENTS') === get('MM_TOPIC_DLQ'))
      issues.push({ field: 'MM_TOPIC_DLQ', reason: 'must differ from MM_TOPIC_EVENTS' });
  }

  if (issues.length > 0) throw new ConfigError(issues);
  const sectionValues = section ? { [section.name]: section.build(values) } : {};

  const mechanism = get('MM_KAFKA_SASL_MECHANISM');
  const registryUser = get('MM_SCHEMA_REGISTRY_USERNAME');
  const config: Config = {
    kafka: {
      brokers: get('MM_KAFKA_BROKERS'),
      clientId: get('MM_KAFKA_CLIENT_ID'),
      connectionTimeoutMs: get('MM_KAFKA_CONNECT_TIMEOUT_MS'),
      requestTimeoutMs: get('MM_KAFKA_REQUEST_TIMEOUT_MS'),
      ssl: get('MM_KAFKA_SSL')
        ? {
            rejectUnauthorized: get('MM_KAFKA_SSL_REJECT_UNAUTHORIZED'),
            caFile: get('MM_KAFKA_SSL_CA_FILE') || undefined,
          }
        : false,
      sasl:
        mechanism === 'none'
          ? undefined
          : { mechanism, username: get('MM_KAFKA_SASL_USERNAME'), password: get('MM_KAFKA_SASL_PASSWORD') },
    },
    registry: {
      url: get('MM_SCHEMA_REGISTRY_URL').replace(/\/+$/, ''),
      auth:
        registryUser === ''
          ? undefined
          : { username: registryUser, password: get('MM_SCHEMA_REGISTRY_PASSWORD') },
    },
    redis: {
      url: get('MM_REDIS_URL'),
      keyPrefix: get('MM_REDIS_KEY_PREFIX'),
      connectTimeoutMs: get('MM_REDIS_CONNECT_TIMEOUT_MS'),
      commandTimeoutMs: get('MM_REDIS_COMMAND_TIMEOUT_MS'),
      clusterNodes: get('MM_REDIS_CLUSTER_NODES'),
    },
    topics: {
      events: get('MM_TOPIC_EVENTS'),
      deadLetter: get('MM_TOPIC_DLQ'),
      partitions: get('MM_TOPIC_PARTITIONS'),
      replicationFactor: get('MM_TOPIC_REPLICATION_FACTOR'),
      timestampType: get('MM_TOPIC_TIMESTAMP_TYPE'),
    },
    shutdownTimeoutMs: get('MM_SHUTDOWN_TIMEOUT_MS'),
    maxFutureSkewMs: get('MM_MAX_FUTURE_SKEW_MS'),
    scoringConfigFile: get('MM_SCORING_CONFIG_FILE') || undefined,
    logLevel: get('MM_LOG_LEVEL'),
    ...sectionValues,
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  // Typed arrays and Buffers (token digests) cannot be frozen; their owners treat them as read-only.
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
