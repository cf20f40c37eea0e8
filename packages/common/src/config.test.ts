import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { ENV_VARIABLES, loadConfig } from './config.ts';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.kafka.brokers).toEqual(['127.0.0.1:19092']);
    expect(config.kafka.ssl).toBe(false);
    expect(config.kafka.sasl).toBeUndefined();
    expect(config.registry).toEqual({ url: 'http://127.0.0.1:18081/apis/ccompat/v7', auth: undefined });
    expect(config.redis).toEqual({
      url: 'redis://127.0.0.1:16379',
      keyPrefix: 'mm',
      connectTimeoutMs: 5_000,
      commandTimeoutMs: 10_000,
    });
    expect(config.kafka.connectionTimeoutMs).toBe(3_000);
    expect(config.kafka.requestTimeoutMs).toBe(30_000);
    expect(config.shutdownTimeoutMs).toBe(20_000);
    expect(config.topics).toEqual({
      events: 'mesh-momentum.events.v1',
      deadLetter: 'mesh-momentum.events.v1.dlq',
      partitions: 6,
      replicationFactor: undefined,
      timestampType: 'LogAppendTime',
    });
  });

  it('returns a deeply frozen object', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.kafka.brokers)).toBe(true);
  });

  it("reads an empty MM_TOPIC_REPLICATION_FACTOR as the cluster's default, and refuses a non-number", () => {
    expect(loadConfig({ MM_TOPIC_REPLICATION_FACTOR: '' }).topics.replicationFactor).toBeUndefined();
    expect(loadConfig({ MM_TOPIC_REPLICATION_FACTOR: ' 3 ' }).topics.replicationFactor).toBe(3);
    expect(() => loadConfig({ MM_TOPIC_REPLICATION_FACTOR: 'three' })).toThrow(
      /MM_TOPIC_REPLICATION_FACTOR: must be a whole number/,
    );
    expect(() => loadConfig({ MM_TOPIC_REPLICATION_FACTOR: '0' })).toThrow(
      /MM_TOPIC_REPLICATION_FACTOR: must be >= 1/,
    );
  });

  it('parses lists, booleans, numbers and SASL', () => {
    const config = loadConfig({
      MM_KAFKA_BROKERS: 'a:9092, b:9093',
      MM_KAFKA_SSL: 'true',
      MM_KAFKA_SSL_REJECT_UNAUTHORIZED: '0',
      MM_KAFKA_SASL_MECHANISM: 'scram-sha-512',
      MM_KAFKA_SASL_USERNAME: 'mm',
      MM_KAFKA_SASL_PASSWORD: 's3cret',
      MM_TOPIC_PARTITIONS: '12',
      MM_SCHEMA_REGISTRY_URL: 'https://registry.example.com/',
      MM_SCHEMA_REGISTRY_USERNAME: 'u',
      MM_SCHEMA_REGISTRY_PASSWORD: 'p',
    });
    expect(config.kafka.brokers).toEqual(['a:9092', 'b:9093']);
    expect(config.kafka.ssl).toEqual({ rejectUnauthorized: false, caFile: undefined });
    expect(config.kafka.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'mm', password: 's3cret' });
    expect(config.topics.partitions).toBe(12);
    expect(config.registry).toEqual({
      url: 'https://registry.example.com',
      auth: { username: 'u', password: 'p' },
    });
  });

  it('reads the CA bundle path with TLS on, and refuses it with TLS off', () => {
    const tls = loadConfig({ MM_KAFKA_SSL: 'true', MM_KAFKA_SSL_CA_FILE: ' /etc/kafka/ca.pem ' });
    expect(tls.kafka.ssl).toEqual({ rejectUnauthorized: true, caFile: '/etc/kafka/ca.pem' });
    expect(configError({ MM_KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem' }).issues).toEqual([
      { field: 'MM_KAFKA_SSL_CA_FILE', reason: 'needs MM_KAFKA_SSL=true' },
    ]);
  });

  it('names every bad variable and the reason, in one error', () => {
    const error = configError({
      MM_KAFKA_BROKERS: 'no-port',
      MM_TOPIC_PARTITIONS: '0',
      MM_REDIS_URL: 'http://x',
    });
    expect(error.code).toBe('MM_ERR_CONFIG_INVALID');
    expect(error.issues.map((i) => i.field).sort()).toEqual([
      'MM_KAFKA_BROKERS',
      'MM_REDIS_URL',
      'MM_TOPIC_PARTITIONS',
    ]);
    expect(error.message).toContain(
      'MM_KAFKA_BROKERS: must be a comma-separated list of host:port (got "no-port")',
    );
  });

  it('rejects unknown MM_ variables with a suggestion, and ignores other variables', () => {
    const error = configError({ MM_KAFKA_BROKER: '127.0.0.1:9092', PATH: '/usr/bin' });
    expect(error.issues).toEqual([
      { field: 'MM_KAFKA_BROKER', reason: 'unknown variable (did you mean MM_KAFKA_BROKERS?)' },
    ]);
  });

  it('leaves the namespaces of scripts, infrastructure and tests alone, and still refuses typos', () => {
    // Documented by scripts/toolchain.sh, infra/local and the test harness: a user may have them exported.
    const config = loadConfig({
      MM_CACHE_DIR: '/tmp/x',
      MM_LOCAL_KAFKA_PORT: '29092',
      MM_LOCAL_STATE_DIR: '/tmp/state',
      MM_TEST_SERVICES: 'local',
      MM_TEST_KAFKA_BROKERS: '127.0.0.1:19092',
      MM_NODE_VERSION: '24.21.0',
    });
    expect(config.kafka.brokers).toEqual(['127.0.0.1:19092']);
    expect(
      configError({ MM_CACHE_DIR: '/tmp/x', MM_CACHE_DIRS: '/tmp/y', MM_TOPIC_EVENT: 'x' }).issues,
    ).toEqual([
      { field: 'MM_CACHE_DIRS', reason: 'unknown variable' },
      { field: 'MM_TOPIC_EVENT', reason: 'unknown variable (did you mean MM_TOPIC_EVENTS?)' },
    ]);
  });

  it('refuses an empty or non-decimal number instead of reading it as 0', () => {
    const error = configError({
      MM_MAX_FUTURE_SKEW_MS: '',
      MM_TOPIC_PARTITIONS: ' ',
      MM_KAFKA_REQUEST_TIMEOUT_MS: '1e4',
      MM_REDIS_CONNECT_TIMEOUT_MS: '0x10',
    });
    expect(Object.fromEntries(error.issues.map((i) => [i.field, i.reason]))).toEqual({
      MM_MAX_FUTURE_SKEW_MS: 'must not be empty (got "")',
      MM_TOPIC_PARTITIONS: 'must not be empty (got " ")',
      MM_KAFKA_REQUEST_TIMEOUT_MS: 'must be a whole number in decimal digits (got "1e4")',
      MM_REDIS_CONNECT_TIMEOUT_MS: 'must be a whole number in decimal digits (got "0x10")',
    });
    expect(loadConfig({ MM_MAX_FUTURE_SKEW_MS: '0' }).maxFutureSkewMs).toBe(0);
    expect(configError({ MM_KAFKA_REQUEST_TIMEOUT_MS: '999' }).issues[0]?.reason).toBe(
      'must be >= 1000 (got "999")',
    );
  });

  it('refuses credentials in the registry URL and names the variables to use, without echoing them', () => {
    const error = configError({
      MM_SCHEMA_REGISTRY_URL: 'http://user:hunter2@registry:8081/apis/ccompat/v7',
    });
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.field).toBe('MM_SCHEMA_REGISTRY_URL');
    expect(error.issues[0]?.reason).toContain(
      'must not contain user:password@; set MM_SCHEMA_REGISTRY_USERNAME and MM_SCHEMA_REGISTRY_PASSWORD instead',
    );
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('//user');
    // A token-only user-info is a credential too.
    expect(configError({ MM_SCHEMA_REGISTRY_URL: 'https://tok3n@registry/' }).message).not.toContain('tok3n');
  });

  it('accepts credentials in the Redis URL, its normal form, and never echoes them', () => {
    expect(loadConfig({ MM_REDIS_URL: 'redis://default:hunter2@redis:6379/0' }).redis.url).toBe(
      'redis://default:hunter2@redis:6379/0',
    );
    const error = configError({ MM_REDIS_URL: 'http://default:hunter2@redis:6379/0' });
    expect(error.message).not.toContain('hunter2');
  });

  it('never echoes a secret value in an error', () => {
    const error = configError({ MM_REDIS_URL: 'ftp://user:hunter2@host' });
    expect(error.message).not.toContain('hunter2');
    expect(error.issues[0]?.field).toBe('MM_REDIS_URL');
  });

  it('requires SASL credentials with a mechanism, and distinct topics', () => {
    const error = configError({
      MM_KAFKA_SASL_MECHANISM: 'plain',
      MM_TOPIC_DLQ: 'mesh-momentum.events.v1',
    });
    expect(error.issues.map((i) => i.field).sort()).toEqual([
      'MM_KAFKA_SASL_PASSWORD',
      'MM_KAFKA_SASL_USERNAME',
      'MM_TOPIC_DLQ',
    ]);
  });

  it('documents every variable', () => {
    for (const [name, spec] of Object.entries(ENV_VARIABLES)) {
      expect(spec.doc.length, name).toBeGreaterThan(10);
    }
  });
});
