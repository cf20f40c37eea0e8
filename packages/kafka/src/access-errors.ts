import { Kafka } from 'kafkajs';
import { ErrorCodes, MeshMomentumError, type KafkaConfig } from '@mesh-momentum/common';
import { toKafkaJsConfig, type CreateKafkaOptions } from './client.ts';

/**
 * Kafka answered but refuses this client: the deployment's configuration is wrong (credentials, trust,
 * ACLs), so retrying cannot help. kafkajs retries some of these as if the broker were down (a TLS
 * failure is a retriable connection error to it); these errors say what to fix instead.
 * docs/kafka-security.md gives the settings and the ACLs each role needs.
 */

/** The brokers refused the SASL user name, password or mechanism. */
export class KafkaAuthenticationError extends MeshMomentumError {
  readonly username: string | undefined;

  constructor(config: KafkaConfig, detail: string, options: { readonly cause?: unknown } = {}) {
    const who = config.sasl
      ? `user "${config.sasl.username}" (${config.sasl.mechanism.toUpperCase()})`
      : 'a client without SASL (MM_KAFKA_SASL_MECHANISM=none)';
    super(
      ErrorCodes.KAFKA_AUTHENTICATION_FAILED,
      `Kafka (${config.brokers.join(',')}) refused the SASL authentication of ${who}: ${detail}; ` +
        'check MM_KAFKA_SASL_MECHANISM, MM_KAFKA_SASL_USERNAME and MM_KAFKA_SASL_PASSWORD',
      options,
    );
    this.username = config.sasl?.username;
  }
}

/** The brokers' TLS certificate does not verify against the trusted CAs (or does not name the host). */
export class KafkaTlsUntrustedError extends MeshMomentumError {
  /** Node's verification code, e.g. SELF_SIGNED_CERT_IN_CHAIN, UNABLE_TO_VERIFY_LEAF_SIGNATURE. */
  readonly tlsCode: string;

  constructor(
    config: KafkaConfig,
    tlsCode: string,
    detail: string,
    options: { readonly cause?: unknown } = {},
  ) {
    const caFile = config.ssl === false ? undefined : config.ssl.caFile;
    const fix =
      tlsCode === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? 'name the brokers in MM_KAFKA_BROKERS as their certificate does'
        : caFile === undefined
          ? "set MM_KAFKA_SSL_CA_FILE to the PEM file of the CA that signed the brokers' certificate"
          : `MM_KAFKA_SSL_CA_FILE (${caFile}) does not hold the CA that signed the brokers' certificate`;
    super(
      ErrorCodes.KAFKA_TLS_UNTRUSTED,
      `the TLS certificate of Kafka (${config.brokers.join(',')}) is not trusted (${tlsCode}: ${detail}); ${fix}`,
      options,
    );
    this.tlsCode = tlsCode;
  }
}

/** An ACL is missing: the authenticated user may not do what was asked on a topic, group or the cluster. */
export class KafkaNotAuthorizedError extends MeshMomentumError {
  /** Kafka's error name, e.g. TOPIC_AUTHORIZATION_FAILED, GROUP_AUTHORIZATION_FAILED. */
  readonly kafkaError: string;
  readonly username: string | undefined;

  constructor(
    config: KafkaConfig,
    kafkaError: string,
    doing: string | undefined,
    options: { readonly cause?: unknown } = {},
  ) {
    const who = config.sasl ? `user "${config.sasl.username}"` : 'this client';
    super(
      ErrorCodes.KAFKA_NOT_AUTHORIZED,
      `Kafka refused ${who}${doing === undefined ? '' : ` ${doing}`}: ${kafkaError} (an ACL is missing); ` +
        'grant it as docs/kafka-security.md lists for this role',
      options,
    );
    this.kafkaError = kafkaError;
    this.username = config.sasl?.username;
  }
}

/** True for the three access errors: Kafka refuses this client until its configuration or the ACLs change. */
export function isKafkaAccessError(
  error: unknown,
): error is KafkaAuthenticationError | KafkaTlsUntrustedError | KafkaNotAuthorizedError {
  return (
    error instanceof KafkaAuthenticationError ||
    error instanceof KafkaTlsUntrustedError ||
    error instanceof KafkaNotAuthorizedError
  );
}

/** Node's certificate verification failures (tls.TLSSocket's `authorizationError` codes) and host mismatch. */
const TLS_TRUST_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Kafka protocol errors that a SASL handshake or authentication answers. */
const SASL_ERROR_TYPES = new Set([
  'SASL_AUTHENTICATION_FAILED',
  'UNSUPPORTED_SASL_MECHANISM',
  'ILLEGAL_SASL_STATE',
]);

/** Kafka protocol errors for a missing ACL. */
const AUTHORIZATION_ERROR_TYPES = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
]);

interface ErrorLike {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly type?: unknown;
  readonly cause?: unknown;
  readonly originalError?: unknown;
  readonly errors?: unknown;
}

/** The error and every error it wraps (kafkajs' `originalError`, `cause`, an aggregate's `errors`). */
function* chain(error: unknown, depth = 0): Generator<ErrorLike> {
  if (error === null || typeof error !== 'object' || depth > 6) return;
  const e = error as ErrorLike;
  yield e;
  if (Array.isArray(e.errors)) for (const inner of e.errors) yield* chain(inner, depth + 1);
  if (e.originalError !== undefined && e.originalError !== error) yield* chain(e.originalError, depth + 1);
  if (e.cause !== undefined && e.cause !== error) yield* chain(e.cause, depth + 1);
}

/** kafkajs prefixes a socket error's message ("Connection error: self-signed certificate in ..."). */
function detailOf(e: ErrorLike): string {
  return String(e.message ?? '').replace(/^Connection error: /, '');
}

/**
 * The access error (authentication, TLS trust, authorization) an error from kafkajs stands for, or
 * undefined for any other failure. `doing` completes the authorization message ("writing topic x").
 * An error already classified is returned as it is.
 */
/** What kafkajs' SASL authenticators say when the connection, not the credentials, failed. */
const TRANSIENT_SASL_FAILURE =
  /request timed out|connection error|closed connection|ECONN|EPIPE|not connected|socket/i;

export function kafkaAccessError(
  error: unknown,
  config: KafkaConfig,
  doing?: string,
): MeshMomentumError | undefined {
  for (const e of chain(error)) {
    if (isKafkaAccessError(e)) return e;
    if (typeof e.type === 'string' && SASL_ERROR_TYPES.has(e.type))
      return new KafkaAuthenticationError(config, detailOf(e), { cause: error });
    // kafkajs wraps every failure of the SASL exchange in this class, a broker restarting mid-login (a
    // timeout, a closed connection) too: only a refusal of the credentials is one for good.
    if (e.name === 'KafkaJSSASLAuthenticationError' && !TRANSIENT_SASL_FAILURE.test(detailOf(e)))
      return new KafkaAuthenticationError(config, detailOf(e), { cause: error });
    if (typeof e.code === 'string' && TLS_TRUST_CODES.has(e.code))
      return new KafkaTlsUntrustedError(config, e.code, detailOf(e), { cause: error });
    if (typeof e.type === 'string' && AUTHORIZATION_ERROR_TYPES.has(e.type))
      return new KafkaNotAuthorizedError(config, e.type, doing, { cause: error });
  }
  return undefined;
}

/**
 * One connection attempt, without retries, that fails with the access error when the brokers refuse
 * the credentials or present an untrusted certificate. Call it before connecting producers and
 * consumers at start-up: kafkajs retries an untrusted certificate for ~10 s as if the broker were down
 * (its connection retries come from the client, not from `admin({ retry })`), so this uses a client of
 * its own with `retries: 0`. Waits at most MM_KAFKA_CONNECT_TIMEOUT_MS, the bound of a TCP and TLS
 * connection; any other outcome (brokers down, silent, slower than that) is left to the caller's own
 * connect, which retries within its bounds. A SASL refusal that comes later is not retried by kafkajs
 * and reaches the caller's connect as it is.
 */
export async function assertKafkaAccess(config: KafkaConfig, options: CreateKafkaOptions): Promise<void> {
  const admin = new Kafka({ ...toKafkaJsConfig(config, options), retry: { retries: 0 } }).admin();
  let timer: NodeJS.Timeout | undefined;
  const attempt = admin.connect().then(
    () => undefined,
    (error: unknown) => kafkaAccessError(error, config),
  );
  const gaveUp = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), config.connectionTimeoutMs);
  });
  try {
    const refused = await Promise.race([attempt, gaveUp]);
    if (refused !== undefined) throw refused;
  } finally {
    clearTimeout(timer);
    // A failed or abandoned connect leaves kafkajs' sockets open: always disconnect (in the background
    // when the attempt is still running).
    void attempt.finally(() => admin.disconnect().catch(() => undefined));
  }
}
