import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, createLogger } from '@mesh-momentum/common';
import { kafkaAccessError } from './access-errors.ts';
import { toKafkaJsConfig } from './client.ts';

// kafkajs is CommonJS: its error classes are read from the module object.
const {
  KafkaJSConnectionError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSSASLAuthenticationError,
  KafkaJSAggregateError,
  KafkaJSGroupCoordinatorNotFound,
} = kafkajs;

const config = loadConfig({
  MM_KAFKA_BROKERS: 'kafka-1:9093',
  MM_KAFKA_SSL: 'true',
  MM_KAFKA_SASL_MECHANISM: 'scram-sha-512',
  MM_KAFKA_SASL_USERNAME: 'processor',
  MM_KAFKA_SASL_PASSWORD: 'secret',
}).kafka;

// kafkajs' typings declare fewer constructor arguments than its code takes (the protocol error's
// description object, the SASL error's message).
const protocolError = (type: string, code: number) =>
  new KafkaJSProtocolError({ type, code, retriable: false, message: `${type} (test)` } as unknown as Error);
const withMessage = (ErrorClass: unknown, message: string) =>
  new (ErrorClass as new (message: string) => Error)(message);

describe('kafkaAccessError', () => {
  it('reads a refused SASL authentication as MM_ERR_KAFKA_AUTHENTICATION_FAILED naming user and mechanism', () => {
    const error = kafkaAccessError(
      withMessage(
        KafkaJSSASLAuthenticationError,
        'SASL SCRAM SHA512 authentication failed: invalid credentials',
      ),
      config,
    );
    expect(error?.code).toBe('MM_ERR_KAFKA_AUTHENTICATION_FAILED');
    expect(error?.retriable).toBe(false);
    expect(error?.message).toContain('user "processor" (SCRAM-SHA-512)');
    expect(error?.message).toContain('invalid credentials');
    expect(error?.message).not.toContain('secret');
  });

  it('finds an untrusted certificate under kafkajs retries and names MM_KAFKA_SSL_CA_FILE', () => {
    const tls = new KafkaJSConnectionError('Connection error: self-signed certificate in certificate chain', {
      broker: 'kafka-1:9093',
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    const error = kafkaAccessError(
      new KafkaJSNumberOfRetriesExceeded(tls, { retryCount: 5, retryTime: 1 }),
      config,
    );
    expect(error?.code).toBe('MM_ERR_KAFKA_TLS_UNTRUSTED');
    expect(error?.message).toContain(
      '(SELF_SIGNED_CERT_IN_CHAIN: self-signed certificate in certificate chain)',
    );
    expect(error?.message).toContain('set MM_KAFKA_SSL_CA_FILE');
  });

  it('says the configured CA file is the wrong one when there is one', () => {
    const withCa = { ...config, ssl: { rejectUnauthorized: true, caFile: '/etc/kafka/ca.pem' } };
    const tls = new KafkaJSConnectionError('Connection error: unable to verify the first certificate', {
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
    expect(kafkaAccessError(tls, withCa)?.message).toContain(
      'MM_KAFKA_SSL_CA_FILE (/etc/kafka/ca.pem) does not hold',
    );
  });

  it.each([
    ['TOPIC_AUTHORIZATION_FAILED', 29],
    ['GROUP_AUTHORIZATION_FAILED', 30],
    ['CLUSTER_AUTHORIZATION_FAILED', 31],
    ['TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 53],
  ])('reads %s as MM_ERR_KAFKA_NOT_AUTHORIZED with what was being done', (type, code) => {
    const error = kafkaAccessError(protocolError(type, code), config, 'writing topic events');
    expect(error?.code).toBe('MM_ERR_KAFKA_NOT_AUTHORIZED');
    expect(error?.message).toContain(`user "processor" writing topic events: ${type}`);
  });

  it("finds a group's refusal that kafkajs wraps as 'group coordinator not found' (patches/kafkajs)", () => {
    const notFound = Object.assign(
      withMessage(KafkaJSGroupCoordinatorNotFound, 'Failed to find group coordinator'),
      {
        originalError: protocolError('GROUP_AUTHORIZATION_FAILED', 30),
      },
    );
    expect(kafkaAccessError(notFound, config, 'consuming events in group g')?.message).toContain(
      'consuming events in group g: GROUP_AUTHORIZATION_FAILED',
    );
  });

  it('looks into aggregates and causes', () => {
    const aggregate = new KafkaJSAggregateError('several', [protocolError('TOPIC_AUTHORIZATION_FAILED', 29)]);
    expect(kafkaAccessError(aggregate, config)?.code).toBe('MM_ERR_KAFKA_NOT_AUTHORIZED');
    const wrapped = new Error('start-up failed', { cause: aggregate });
    expect(kafkaAccessError(wrapped, config)?.code).toBe('MM_ERR_KAFKA_NOT_AUTHORIZED');
  });

  it('leaves every other failure alone: outages and data errors are not access errors', () => {
    expect(
      kafkaAccessError(
        new KafkaJSConnectionError('Connection error: connect ECONNREFUSED', { code: 'ECONNREFUSED' }),
        config,
      ),
    ).toBeUndefined();
    expect(kafkaAccessError(protocolError('MESSAGE_TOO_LARGE', 10), config)).toBeUndefined();
    expect(kafkaAccessError(new Error('Broker not connected'), config)).toBeUndefined();
    // kafkajs wraps a broker restarting mid-login in its SASL class too: an outage, not the credentials.
    for (const cause of ['Request timed out', 'Closed connection', 'Connection error: read ECONNRESET'])
      expect(
        kafkaAccessError(
          withMessage(KafkaJSSASLAuthenticationError, `SASL SCRAM SHA512 authentication failed: ${cause}`),
          config,
        ),
        cause,
      ).toBeUndefined();
    expect(kafkaAccessError(undefined, config)).toBeUndefined();
  });
});

describe('MM_KAFKA_SSL_CA_FILE', () => {
  const logger = createLogger({ name: 'test', level: 'silent' });
  const dir = mkdtempSync(join(tmpdir(), 'mm-ca-'));

  it('is passed to kafkajs as the trusted CAs', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    writeFileSync(join(dir, 'ca.pem'), pem);
    const kafka = loadConfig({ MM_KAFKA_SSL: 'true', MM_KAFKA_SSL_CA_FILE: join(dir, 'ca.pem') }).kafka;
    expect(toKafkaJsConfig(kafka, { logger }).ssl).toEqual({ rejectUnauthorized: true, ca: [pem] });
  });

  it('refuses a missing file or one without a certificate, naming the variable', () => {
    writeFileSync(join(dir, 'key.pem'), '-----BEGIN PRIVATE KEY-----\n');
    for (const [file, reason] of [
      ['missing.pem', /cannot be read \(ENOENT/],
      ['key.pem', /holds no PEM certificate/],
    ] as const) {
      const kafka = loadConfig({ MM_KAFKA_SSL: 'true', MM_KAFKA_SSL_CA_FILE: join(dir, file) }).kafka;
      const error = (() => {
        try {
          toKafkaJsConfig(kafka, { logger });
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues[0]?.field).toBe('MM_KAFKA_SSL_CA_FILE');
      expect((error as ConfigError).issues[0]?.reason).toMatch(reason);
    }
  });
});
