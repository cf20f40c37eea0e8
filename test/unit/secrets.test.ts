import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError, createLogger, loadConfig } from '@mesh-momentum/common';
import { run, type CliIo } from '@mesh-momentum/cli';
import { createKafka } from '@mesh-momentum/kafka';

/**
 * Issue 8 item 4: with every secret set, drive the failure paths of configuration loading, the CLI and
 * the logger, and check that no secret reaches any output line or error message.
 */

const SECRETS = {
  sasl: 'sasl-Secret-1',
  registry: 'registry-Secret-2',
  redis: 'redis-Secret-3',
  registryUrl: 'url-Secret-4',
} as const;

const SECRET_ENV = {
  MM_KAFKA_SASL_MECHANISM: 'scram-sha-512',
  MM_KAFKA_SASL_USERNAME: 'mm',
  MM_KAFKA_SASL_PASSWORD: SECRETS.sasl,
  MM_SCHEMA_REGISTRY_USERNAME: 'mm',
  MM_SCHEMA_REGISTRY_PASSWORD: SECRETS.registry,
  MM_REDIS_URL: `redis://default:${SECRETS.redis}@127.0.0.1:16379/0`,
};

function expectNoSecret(text: string): void {
  for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
}

function configFailure(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

function cliIo(env: Record<string, string>) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = '';
  stdout.on('data', (c: Buffer) => (text += c.toString()));
  stderr.on('data', (c: Buffer) => (text += c.toString()));
  const io: CliIo = { env, stdout, stderr, stdin: new PassThrough(), cwd: process.cwd() };
  return { io, text: () => text };
}

const EMIT = ['emit', 'ChampionGained', '--domain', 'payments', '--personId', 'p-1', '--role', 'champion'];

describe('no secret reaches any output', () => {
  it('configuration errors: every secret set, every variable bad', () => {
    const cases: Record<string, string>[] = [
      { ...SECRET_ENV, MM_KAFKA_BROKERS: 'not a broker' },
      { ...SECRET_ENV, MM_REDIS_URL: `http://default:${SECRETS.redis}@host:6379` },
      { ...SECRET_ENV, MM_REDIS_URL: `redis://default:${SECRETS.redis}@` },
      { ...SECRET_ENV, MM_SCHEMA_REGISTRY_URL: `http://mm:${SECRETS.registryUrl}@registry:8081` },
      { ...SECRET_ENV, MM_SCHEMA_REGISTRY_URL: `ftp://mm:${SECRETS.registryUrl}@registry:8081` },
      { ...SECRET_ENV, MM_SCHEMA_REGISTRY_PASSWORD: '', MM_KAFKA_SASL_USERNAME: '' },
    ];
    for (const env of cases) {
      const error = configFailure(env);
      expectNoSecret(`${error.message} ${JSON.stringify(error.issues)} ${String(error.stack)}`);
    }
  });

  it('the CLI: bad configuration, a registry URL with credentials, an unreachable registry', async () => {
    const runs: Record<string, string>[] = [
      { ...SECRET_ENV, MM_TOPIC_PARTITIONS: '' },
      { ...SECRET_ENV, MM_SCHEMA_REGISTRY_URL: `http://mm:${SECRETS.registryUrl}@127.0.0.1:1/api` },
      // Valid configuration, nothing listening: the failure path with the credentials in use, logged at trace.
      { ...SECRET_ENV, MM_SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1/api', MM_LOG_LEVEL: 'trace' },
    ];
    const codes: number[] = [];
    for (const env of runs) {
      const t = cliIo(env);
      codes.push(await run([...EMIT, '--dry-run', '--json'], t.io));
      expect(t.text()).not.toBe('');
      expectNoSecret(t.text());
    }
    expect(codes).toEqual([2, 2, 3]);
  });

  it('the logger: config objects, client errors quoting URLs, kafkajs lines', () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (c: Buffer) => (text += c.toString()));
    const logger = createLogger({ name: 'test', level: 'trace', destination: stream });
    const config = loadConfig(SECRET_ENV);
    logger.info({ config }, 'configuration loaded');
    logger.info(config, 'configuration loaded, flat');
    logger.error({ err: new Error(`connect ECONNREFUSED ${config.redis.url}`) }, 'redis down');
    logger.error(new Error(`Redis connection to ${config.redis.url} failed`));
    logger.warn('retrying %s', config.redis.url);
    // kafkajs lines go through the same logger (the adapter of packages/kafka).
    const kafkaLog = createKafka(config.kafka, { logger }).logger();
    kafkaLog.error('broker error', { broker: `kafka://mm:${SECRETS.sasl}@broker:9092` });
    expect(text.split('\n').length).toBeGreaterThan(5);
    expectNoSecret(text);
  });
});
