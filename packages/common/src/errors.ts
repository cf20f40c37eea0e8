import { DATA_ERROR_CODES, ERROR_CODE_INFO, ErrorCodes, type ErrorCode } from './error-codes.ts';

export {
  DATA_ERROR_CODES,
  ERROR_CODE_INFO,
  ErrorCodes,
  type ErrorCode,
  type ErrorCodeInfo,
  type Retriability,
} from './error-codes.ts';

export interface MeshMomentumErrorOptions {
  /**
   * Only read for codes whose retriability is `'depends'` (ERROR_CODE_INFO); every other code has one
   * documented answer, and the base takes it from the table so no subclass can contradict the docs.
   * @defaultValue false
   */
  readonly retriable?: boolean;
  readonly cause?: unknown;
}

/**
 * The one error base of Mesh Momentum. Every error the project throws on purpose carries a stable
 * `code` (documented in docs/errors.md, checked by a test), whether retrying can help (`retriable`),
 * the HTTP status a service answers with (`httpStatus`) and the underlying `cause`, so callers branch
 * on fields and never parse messages.
 */
export class MeshMomentumError extends Error {
  readonly code: ErrorCode;
  /** True when the same operation may succeed if tried again later (a broker or Redis outage). */
  readonly retriable: boolean;
  /** HTTP status of an answer this error ends (400 bad input, 503 a dependency down, ...). */
  readonly httpStatus: number;

  constructor(code: ErrorCode, message: string, options: MeshMomentumErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    const info = ERROR_CODE_INFO[code];
    this.retriable = info.retriable === 'depends' ? (options.retriable ?? false) : info.retriable;
    this.httpStatus = info.httpStatus;
  }
}

/** One problem with one input field: `path` is dotted (`payload.role`, `MM_KAFKA_BROKERS`). */
export interface FieldIssue {
  readonly field: string;
  readonly reason: string;
}

function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => `${i.field}: ${i.reason}`).join('; ');
}

/** Start-up configuration that cannot be used; names every offending variable. */
export class ConfigError extends MeshMomentumError {
  readonly issues: readonly FieldIssue[];

  constructor(issues: readonly FieldIssue[]) {
    super(ErrorCodes.CONFIG_INVALID, `invalid configuration: ${describeIssues(issues)}`);
    this.issues = issues;
  }
}

/** A domain event that breaks its schema's rules; names every offending field. */
export class EventValidationError extends MeshMomentumError {
  readonly eventType: string | undefined;
  readonly issues: readonly FieldIssue[];

  constructor(eventType: string | undefined, issues: readonly FieldIssue[]) {
    super(ErrorCodes.EVENT_INVALID, `invalid ${eventType ?? 'event'}: ${describeIssues(issues)}`);
    this.eventType = eventType;
    this.issues = issues;
  }

  /** The first offending field, for one-line error responses. */
  get field(): string | undefined {
    return this.issues[0]?.field;
  }
}

/** An event whose time lies further in the future than the configured clock skew allows. */
export class FutureDatedEventError extends MeshMomentumError {
  readonly eventTimeMs: number;
  readonly maxAllowedMs: number;

  constructor(eventTimeMs: number, maxAllowedMs: number) {
    super(
      ErrorCodes.EVENT_FUTURE_DATED,
      `time: ${new Date(eventTimeMs).toISOString()} is in the future beyond the allowed clock skew ` +
        `(latest accepted ${new Date(maxAllowedMs).toISOString()})`,
    );
    this.eventTimeMs = eventTimeMs;
    this.maxAllowedMs = maxAllowedMs;
  }
}

/** Bytes on a topic that are not a Confluent wire-format Avro record we can read. */
export class UndecodableEventError extends MeshMomentumError {
  constructor(message: string, options: MeshMomentumErrorOptions = {}) {
    super(ErrorCodes.EVENT_UNDECODABLE, message, options);
  }
}

/** A schema id or subject the registry does not know. */
export class UnknownSchemaError extends MeshMomentumError {
  readonly schemaId: number | undefined;

  constructor(message: string, schemaId?: number, options: MeshMomentumErrorOptions = {}) {
    super(ErrorCodes.SCHEMA_UNKNOWN, message, options);
    this.schemaId = schemaId;
  }
}

/** The schema registry could not be reached or answered with a server error. Always retriable. */
export class RegistryUnavailableError extends MeshMomentumError {
  constructor(message: string, options: { readonly cause?: unknown } = {}) {
    super(ErrorCodes.REGISTRY_UNAVAILABLE, message, options);
  }
}

/**
 * The schema registry answered but refused the request in a way retrying cannot heal: wrong
 * credentials (401/403) or an answer the client cannot use. Fix the configuration.
 */
export class RegistryRefusedError extends MeshMomentumError {
  /** The registry's HTTP status. */
  readonly status: number;

  constructor(message: string, status: number, options: { readonly cause?: unknown } = {}) {
    super(ErrorCodes.REGISTRY_REFUSED, message, options);
    this.status = status;
  }
}

/**
 * Redis cannot answer for now (down, silent, OOM, a replica, loading, a cluster failing over: `redisFailure`).
 * A write's batch is retried, never dead-lettered; a read is answered 503. Always retriable.
 */
export class StoreUnavailableError extends MeshMomentumError {
  constructor(message: string, options: { readonly cause?: unknown } = {}) {
    super(ErrorCodes.STORE_UNAVAILABLE, message, options);
  }
}

/**
 * An event Kafka refused as too large for the topic (broker `message.max.bytes` or the topic's
 * `max.message.bytes`): a data problem, not an outage. Sending it again cannot succeed.
 */
export class EventTooLargeError extends MeshMomentumError {
  readonly topic: string;
  /** The encoded record's size: key, value and headers, bytes. */
  readonly sizeBytes: number;

  constructor(topic: string, sizeBytes: number, options: { readonly cause?: unknown } = {}) {
    super(
      ErrorCodes.EVENT_TOO_LARGE,
      `event of ${sizeBytes} bytes is larger than topic ${topic} accepts (the broker's message.max.bytes ` +
        "or the topic's max.message.bytes): shorten its fields",
      options,
    );
    this.topic = topic;
    this.sizeBytes = sizeBytes;
  }
}

/** A rebuild was asked for while another one holds the claim; retry when it has finished. */
export class RebuildRunningError extends MeshMomentumError {
  /** The namespace the running rebuild writes into. */
  readonly namespace: string | undefined;

  constructor(namespace: string | undefined, message: string) {
    super(ErrorCodes.REBUILD_RUNNING, message);
    this.namespace = namespace;
  }
}

/** Redis answered a command or script with an error that retrying cannot change (a script bug, a wrong type). */
export class StoreReplyError extends MeshMomentumError {
  constructor(message: string, options: { readonly cause?: unknown } = {}) {
    super(ErrorCodes.STORE_REPLY, message, options);
  }
}

/** A write refused because another processor instance took over the partition (zombie fencing). */
export class FencedWriteError extends MeshMomentumError {
  readonly partition: number;

  constructor(partition: number, message: string) {
    super(ErrorCodes.STORE_FENCED, message);
    this.partition = partition;
  }
}

export function isRetriable(error: unknown): boolean {
  return error instanceof MeshMomentumError && error.retriable;
}

/**
 * True when the error says the data itself is bad (DATA_ERROR_CODES): the one test of whether an item
 * may be refused for good and skipped. Anything else, an unknown error included, is a dependency or
 * configuration failure: the item is kept and the operation fails, to be retried once it is fixed.
 */
export function isDataError(error: unknown): boolean {
  return error instanceof MeshMomentumError && DATA_ERROR_CODES.has(error.code);
}

/** A schema the registry refuses (or would refuse) under the subject's compatibility mode. */
export class SchemaIncompatibleError extends MeshMomentumError {
  readonly subject: string;
  /** Why, one line per incompatibility, as precise as the registry or the local check could tell. */
  readonly messages: readonly string[];

  constructor(subject: string, messages: readonly string[], options: MeshMomentumErrorOptions = {}) {
    super(
      ErrorCodes.SCHEMA_INCOMPATIBLE,
      `schema for ${subject} is not compatible with the registered versions` +
        (messages.length > 0 ? `: ${messages.join('; ')}` : ''),
      options,
    );
    this.subject = subject;
    this.messages = messages;
  }
}

/**
 * An event whose time lies outside what the scores can represent (anchored decay overflows that far from
 * the scoring config's anchor epoch). Dead-lettered by the processor with this reason.
 */
export class EventOutOfRangeError extends MeshMomentumError {
  readonly timeMs: number;

  constructor(timeMs: number, range: { readonly minMs: number; readonly maxMs: number }) {
    super(
      ErrorCodes.EVENT_OUT_OF_RANGE,
      `time: ${new Date(timeMs).toISOString()} is outside the range the scores can represent ` +
        `(${new Date(range.minMs).toISOString()} to ${new Date(range.maxMs).toISOString()})`,
    );
    this.timeMs = timeMs;
  }
}

/** A processor batch that made no progress within MM_PROCESSOR_STALL_TIMEOUT_MS; it is retried. */
export class BatchStalledError extends MeshMomentumError {
  readonly partition: number;

  constructor(topic: string, partition: number, timeoutMs: number) {
    super(
      ErrorCodes.BATCH_STALLED,
      `batch of ${topic}[${partition}] made no progress within ${timeoutMs} ms (MM_PROCESSOR_STALL_TIMEOUT_MS); retrying it`,
    );
    this.partition = partition;
  }
}

/** Kafka's brokers could not be used (down, unreachable, or accepting connections but silent). */
/**
 * Topics cannot be created with the replication factor asked for (MM_TOPIC_REPLICATION_FACTOR, or the
 * cluster's default.replication.factor when that is empty): it is above the brokers the cluster has.
 */
export class TopicReplicationFactorError extends MeshMomentumError {
  readonly replicationFactor: number;
  readonly brokerCount: number;

  constructor(replicationFactor: number, source: string, brokerCount: number) {
    super(
      ErrorCodes.TOPIC_REPLICATION_FACTOR,
      `replication factor ${replicationFactor} (${source}) is above the ${brokerCount} broker(s) the cluster has; ` +
        `set MM_TOPIC_REPLICATION_FACTOR to at most ${brokerCount}, or start the missing brokers`,
    );
    this.replicationFactor = replicationFactor;
    this.brokerCount = brokerCount;
  }
}

export class KafkaUnavailableError extends MeshMomentumError {
  constructor(brokers: readonly string[], reason: string, options: { readonly cause?: unknown } = {}) {
    super(
      ErrorCodes.KAFKA_UNAVAILABLE,
      `Kafka (${brokers.join(',')}) is unavailable: ${reason}; are the brokers running and reachable (MM_KAFKA_BROKERS)?`,
      options,
    );
  }
}
