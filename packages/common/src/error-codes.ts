/**
 * Every stable error code of Mesh Momentum with the two facts a caller branches on: whether retrying
 * the same operation later can help, and the HTTP status a service answers with when the error ends a
 * request. docs/errors.md states the same three columns; a unit test fails when they drift apart.
 * The error base reads both from here, so a subclass cannot contradict its own code.
 */
export const ErrorCodes = {
  CONFIG_INVALID: 'MM_ERR_CONFIG_INVALID',
  EVENT_INVALID: 'MM_ERR_EVENT_INVALID',
  EVENT_FUTURE_DATED: 'MM_ERR_EVENT_FUTURE_DATED',
  EVENT_TOO_LARGE: 'MM_ERR_EVENT_TOO_LARGE',
  EVENT_OUT_OF_RANGE: 'MM_ERR_EVENT_OUT_OF_RANGE',
  EVENT_UNDECODABLE: 'MM_ERR_EVENT_UNDECODABLE',
  SCHEMA_UNKNOWN: 'MM_ERR_SCHEMA_UNKNOWN',
  SCHEMA_INCOMPATIBLE: 'MM_ERR_SCHEMA_INCOMPATIBLE',
  REGISTRY_UNAVAILABLE: 'MM_ERR_REGISTRY_UNAVAILABLE',
  REGISTRY_REFUSED: 'MM_ERR_REGISTRY_REFUSED',
  PRODUCER_QUEUE_FULL: 'MM_ERR_PRODUCER_QUEUE_FULL',
  PRODUCER_CLOSED: 'MM_ERR_PRODUCER_CLOSED',
  PRODUCER_SEND_FAILED: 'MM_ERR_PRODUCER_SEND_FAILED',
  STORE_UNAVAILABLE: 'MM_ERR_STORE_UNAVAILABLE',
  STORE_FENCED: 'MM_ERR_STORE_FENCED',
  STORE_REPLY: 'MM_ERR_STORE_REPLY',
  REBUILD_RUNNING: 'MM_ERR_REBUILD_RUNNING',
  BATCH_STALLED: 'MM_ERR_BATCH_STALLED',
  KAFKA_UNAVAILABLE: 'MM_ERR_KAFKA_UNAVAILABLE',
  TOPIC_REPLICATION_FACTOR: 'MM_ERR_TOPIC_REPLICATION_FACTOR',
  KAFKA_AUTHENTICATION_FAILED: 'MM_ERR_KAFKA_AUTHENTICATION_FAILED',
  KAFKA_TLS_UNTRUSTED: 'MM_ERR_KAFKA_TLS_UNTRUSTED',
  KAFKA_NOT_AUTHORIZED: 'MM_ERR_KAFKA_NOT_AUTHORIZED',
  WEBHOOK_HEADER_MISSING: 'MM_ERR_WEBHOOK_HEADER_MISSING',
  WEBHOOK_HEADER_MALFORMED: 'MM_ERR_WEBHOOK_HEADER_MALFORMED',
  WEBHOOK_TIMESTAMP_STALE: 'MM_ERR_WEBHOOK_TIMESTAMP_STALE',
  WEBHOOK_SIGNATURE_INVALID: 'MM_ERR_WEBHOOK_SIGNATURE_INVALID',
  ADAPTER_PAYLOAD_INVALID: 'MM_ERR_ADAPTER_PAYLOAD_INVALID',
  MAPPING_INVALID: 'MM_ERR_MAPPING_INVALID',
  QUERY_INVALID: 'MM_ERR_QUERY_INVALID',
  SCOPE_NOT_FOUND: 'MM_ERR_SCOPE_NOT_FOUND',
  TEAM_NOT_FOUND: 'MM_ERR_TEAM_NOT_FOUND',
  ALERT_NOT_FOUND: 'MM_ERR_ALERT_NOT_FOUND',
  SSE_TOO_MANY_CLIENTS: 'MM_ERR_SSE_TOO_MANY_CLIENTS',
  TARGET_WRITES_DISABLED: 'MM_ERR_TARGET_WRITES_DISABLED',
  ADMIN_UNAUTHENTICATED: 'MM_ERR_ADMIN_UNAUTHENTICATED',
  INGEST_UNAUTHENTICATED: 'MM_ERR_INGEST_UNAUTHENTICATED',
  INGEST_FORBIDDEN: 'MM_ERR_INGEST_FORBIDDEN',
  INGEST_BODY_INVALID: 'MM_ERR_INGEST_BODY_INVALID',
  INGEST_NOT_FOUND: 'MM_ERR_INGEST_NOT_FOUND',
  INGEST_RATE_LIMITED: 'MM_ERR_INGEST_RATE_LIMITED',
  INGEST_TOO_MANY_EVENTS: 'MM_ERR_INGEST_TOO_MANY_EVENTS',
  INGEST_DELIVERY_IN_PROGRESS: 'MM_ERR_INGEST_DELIVERY_IN_PROGRESS',
  ALERTER_FENCED: 'MM_ERR_ALERTER_FENCED',
  SILENCE_INVALID: 'MM_ERR_SILENCE_INVALID',
  SILENCE_NOT_FOUND: 'MM_ERR_SILENCE_NOT_FOUND',
  PAUSE_INVALID: 'MM_ERR_PAUSE_INVALID',
  PAUSE_NOT_FOUND: 'MM_ERR_PAUSE_NOT_FOUND',
  ALERTER_WRITES_DISABLED: 'MM_ERR_ALERTER_WRITES_DISABLED',
  DELIVERY_FAILED: 'MM_ERR_DELIVERY_FAILED',
  // Every service's HTTP layer (packages/service-kit): refusals before any route runs, proxies, hosts.
  HTTP_REQUEST_INVALID: 'MM_ERR_HTTP_REQUEST_INVALID',
  HTTP_BODY_TOO_LARGE: 'MM_ERR_HTTP_BODY_TOO_LARGE',
  HTTP_MEDIA_TYPE_UNSUPPORTED: 'MM_ERR_HTTP_MEDIA_TYPE_UNSUPPORTED',
  HTTP_NOT_FOUND: 'MM_ERR_HTTP_NOT_FOUND',
  HTTP_INTERNAL: 'MM_ERR_HTTP_INTERNAL',
  ADMIN_HOST_REFUSED: 'MM_ERR_ADMIN_HOST_REFUSED',
  DASHBOARD_UNAUTHENTICATED: 'MM_ERR_DASHBOARD_UNAUTHENTICATED',
  SSE_TOO_MANY_PER_CLIENT: 'MM_ERR_SSE_TOO_MANY_PER_CLIENT',
  UNEXPECTED: 'MM_ERR_UNEXPECTED',
  IMPORT_ARGUMENT_INVALID: 'MM_ERR_IMPORT_ARGUMENT_INVALID',
  IMPORT_SOURCE_FAILED: 'MM_ERR_IMPORT_SOURCE_FAILED',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** `true`/`false`: always; `'depends'`: decided per occurrence from the cause (see the class). */
export type Retriability = boolean | 'depends';

export interface ErrorCodeInfo {
  readonly retriable: Retriability;
  /** Status of an HTTP answer that this error ends (ingest gateway, admin endpoints). */
  readonly httpStatus: number;
}

export const ERROR_CODE_INFO: Readonly<Record<ErrorCode, ErrorCodeInfo>> = {
  // The service itself is misconfigured: nothing the client sent can fix it.
  MM_ERR_CONFIG_INVALID: { retriable: false, httpStatus: 500 },
  MM_ERR_EVENT_INVALID: { retriable: false, httpStatus: 400 },
  MM_ERR_EVENT_FUTURE_DATED: { retriable: false, httpStatus: 400 },
  MM_ERR_EVENT_TOO_LARGE: { retriable: false, httpStatus: 413 },
  MM_ERR_EVENT_OUT_OF_RANGE: { retriable: false, httpStatus: 400 },
  MM_ERR_EVENT_UNDECODABLE: { retriable: false, httpStatus: 400 },
  // The registry lacks a schema the service needs: an operator's job (`schemas register`), not the client's.
  MM_ERR_SCHEMA_UNKNOWN: { retriable: false, httpStatus: 500 },
  // 409 as the Confluent registry itself answers for an incompatible schema.
  MM_ERR_SCHEMA_INCOMPATIBLE: { retriable: false, httpStatus: 409 },
  MM_ERR_REGISTRY_UNAVAILABLE: { retriable: true, httpStatus: 503 },
  // An upstream that answers, but refuses us (credentials, a URL that is not the API): a bad gateway.
  MM_ERR_REGISTRY_REFUSED: { retriable: false, httpStatus: 502 },
  MM_ERR_PRODUCER_QUEUE_FULL: { retriable: true, httpStatus: 503 },
  // This producer is shutting down; another instance (or a new producer) takes the request.
  MM_ERR_PRODUCER_CLOSED: { retriable: false, httpStatus: 503 },
  MM_ERR_PRODUCER_SEND_FAILED: { retriable: 'depends', httpStatus: 503 },
  MM_ERR_STORE_UNAVAILABLE: { retriable: true, httpStatus: 503 },
  MM_ERR_STORE_FENCED: { retriable: false, httpStatus: 409 },
  // Redis refused a command or script for good (a script bug, a wrong type): retrying cannot help.
  MM_ERR_STORE_REPLY: { retriable: false, httpStatus: 500 },
  MM_ERR_REBUILD_RUNNING: { retriable: true, httpStatus: 409 },
  MM_ERR_BATCH_STALLED: { retriable: true, httpStatus: 503 },
  MM_ERR_KAFKA_UNAVAILABLE: { retriable: true, httpStatus: 503 },
  // Topics asked for more replicas than the cluster has brokers: the setting (or the cluster) must change.
  MM_ERR_TOPIC_REPLICATION_FACTOR: { retriable: false, httpStatus: 500 },
  // Kafka answers but refuses us (SASL credentials, a certificate we do not trust, a missing ACL): the
  // deployment's configuration is wrong, so retrying cannot help; a bad gateway, as MM_ERR_REGISTRY_REFUSED.
  MM_ERR_KAFKA_AUTHENTICATION_FAILED: { retriable: false, httpStatus: 502 },
  MM_ERR_KAFKA_TLS_UNTRUSTED: { retriable: false, httpStatus: 502 },
  MM_ERR_KAFKA_NOT_AUTHORIZED: { retriable: false, httpStatus: 502 },
  // A delivery without (valid) credentials is 401; a garbled header is 400.
  MM_ERR_WEBHOOK_HEADER_MISSING: { retriable: false, httpStatus: 401 },
  MM_ERR_WEBHOOK_HEADER_MALFORMED: { retriable: false, httpStatus: 400 },
  MM_ERR_WEBHOOK_TIMESTAMP_STALE: { retriable: false, httpStatus: 401 },
  MM_ERR_WEBHOOK_SIGNATURE_INVALID: { retriable: false, httpStatus: 401 },
  MM_ERR_ADAPTER_PAYLOAD_INVALID: { retriable: false, httpStatus: 400 },
  // A mapping file the service loaded at start-up: the service's fault, never the client's.
  MM_ERR_MAPPING_INVALID: { retriable: false, httpStatus: 500 },
  MM_ERR_QUERY_INVALID: { retriable: false, httpStatus: 400 },
  // The scope may appear once its first event is applied; asking again then can succeed, not before.
  MM_ERR_SCOPE_NOT_FOUND: { retriable: false, httpStatus: 404 },
  // No data product names this owner team (yet): it appears with its first published product.
  MM_ERR_TEAM_NOT_FOUND: { retriable: false, httpStatus: 404 },
  // The alerter forgot the alert (resolved long enough ago), or never had it; the list shows what it keeps.
  MM_ERR_ALERT_NOT_FOUND: { retriable: false, httpStatus: 404 },
  // The dashboard serves as many live-update streams as it allows; one may close soon (Retry-After).
  MM_ERR_SSE_TOO_MANY_CLIENTS: { retriable: true, httpStatus: 503 },
  // A read-only dashboard (MM_DASHBOARD_TARGET_WRITES=false) refuses target writes, whoever asks.
  MM_ERR_TARGET_WRITES_DISABLED: { retriable: false, httpStatus: 403 },
  // A write to an admin API (dashboard targets, alerter silences and pauses) without a known admin token.
  MM_ERR_ADMIN_UNAUTHENTICATED: { retriable: false, httpStatus: 401 },
  // Ingest gateway: no or an unknown API token (401); a token outside its event types or domains (403).
  MM_ERR_INGEST_UNAUTHENTICATED: { retriable: false, httpStatus: 401 },
  MM_ERR_INGEST_FORBIDDEN: { retriable: false, httpStatus: 403 },
  MM_ERR_INGEST_BODY_INVALID: { retriable: false, httpStatus: 400 },
  MM_ERR_INGEST_NOT_FOUND: { retriable: false, httpStatus: 404 },
  // Over the token's request rate: the answer's Retry-After says when to try again.
  MM_ERR_INGEST_RATE_LIMITED: { retriable: true, httpStatus: 429 },
  // More events in one request or webhook delivery than one window's budget or the fan-out cap allows:
  // it can never pass as it is; split it.
  MM_ERR_INGEST_TOO_MANY_EVENTS: { retriable: false, httpStatus: 413 },
  // The same delivery id is being sent to Kafka by a concurrent request; ask again in a moment.
  MM_ERR_INGEST_DELIVERY_IN_PROGRESS: { retriable: true, httpStatus: 409 },
  // Another alerter instance holds the notifier lease now: this one stops notifying.
  MM_ERR_ALERTER_FENCED: { retriable: false, httpStatus: 409 },
  MM_ERR_SILENCE_INVALID: { retriable: false, httpStatus: 400 },
  MM_ERR_SILENCE_NOT_FOUND: { retriable: false, httpStatus: 404 },
  MM_ERR_PAUSE_INVALID: { retriable: false, httpStatus: 400 },
  MM_ERR_PAUSE_NOT_FOUND: { retriable: false, httpStatus: 404 },
  MM_ERR_ALERTER_WRITES_DISABLED: { retriable: false, httpStatus: 403 },
  // A receiver (webhook, chat, Alertmanager, Kafka) refused or failed a delivery: a bad gateway.
  MM_ERR_DELIVERY_FAILED: { retriable: 'depends', httpStatus: 502 },
  // Every service's HTTP layer: fastify refused the request before a route ran (unreadable body, a bad
  // URL encoding, too large, a content type no route reads, no such route).
  MM_ERR_HTTP_REQUEST_INVALID: { retriable: false, httpStatus: 400 },
  MM_ERR_HTTP_BODY_TOO_LARGE: { retriable: false, httpStatus: 413 },
  MM_ERR_HTTP_MEDIA_TYPE_UNSUPPORTED: { retriable: false, httpStatus: 415 },
  MM_ERR_HTTP_NOT_FOUND: { retriable: false, httpStatus: 404 },
  // A failure no code foresaw (a bug); the service log has the cause. A retry may meet a fixed state.
  MM_ERR_HTTP_INTERNAL: { retriable: true, httpStatus: 500 },
  // An open (token-less, loopback-only) admin write named a Host that is not loopback: DNS rebinding.
  MM_ERR_ADMIN_HOST_REFUSED: { retriable: false, httpStatus: 403 },
  // A dashboard read without a read token or a trusted proxy's identity, where reads need one.
  MM_ERR_DASHBOARD_UNAUTHENTICATED: { retriable: false, httpStatus: 401 },
  // One client holds as many live-update streams as the dashboard gives one client; one may close soon.
  MM_ERR_SSE_TOO_MANY_PER_CLIENT: { retriable: true, httpStatus: 429 },
  // The processor dead-letters a record for a failure that carries no code of its own (its reason header).
  MM_ERR_UNEXPECTED: { retriable: false, httpStatus: 500 },
  // `pnpm ingest:import`: a command line it cannot run; no HTTP answer, the status only classifies it.
  MM_ERR_IMPORT_ARGUMENT_INVALID: { retriable: false, httpStatus: 400 },
  // A tool's API failed the import (5xx, 429 past the retries, or refused it: 401, 404): a bad gateway.
  MM_ERR_IMPORT_SOURCE_FAILED: { retriable: 'depends', httpStatus: 502 },
};

/**
 * The codes that say the data itself is bad (an event or a tool payload that cannot be read, validated
 * or sent as it is): refusing it for good is right, and no fix elsewhere would let it pass. Every other
 * code is about a dependency or the configuration (a registry refusing our credentials or lacking a
 * schema, Kafka refusing our principal, Redis down, a broken mapping file): the data may be fine, so it
 * must never be skipped for it. docs/errors.md marks these codes "data".
 */
export const DATA_ERROR_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ErrorCodes.EVENT_INVALID,
  ErrorCodes.EVENT_FUTURE_DATED,
  ErrorCodes.EVENT_TOO_LARGE,
  ErrorCodes.EVENT_OUT_OF_RANGE,
  ErrorCodes.EVENT_UNDECODABLE,
  ErrorCodes.ADAPTER_PAYLOAD_INVALID,
  ErrorCodes.INGEST_BODY_INVALID,
]);
