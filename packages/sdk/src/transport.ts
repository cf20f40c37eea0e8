import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import { KafkaUnavailableError, type KafkaConfig, type Logger } from '@mesh-momentum/common';
import { assertKafkaAccess, kafkaAccessError } from '@mesh-momentum/kafka';

/** One Kafka record as the producer hands it to a transport. */
export interface OutgoingRecord {
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string | Buffer>>;
}

/** Where batches go. The kafkajs implementation below; tests pass an in-memory one. */
export interface RecordTransport {
  connect(): Promise<void>;
  /** Resolves when every record is acknowledged; rejects when any is not (the batch counts as failed). */
  send(topic: string, records: readonly OutgoingRecord[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface KafkaTransportOptions {
  readonly sendRetries: number;
  readonly requestTimeoutMs: number;
  /** The client's settings: for the access check at connect, and for error messages. */
  readonly kafkaConfig: KafkaConfig;
  readonly logger: Logger;
}

/**
 * kafkajs producer settings, and why:
 * - `idempotent: true`: the broker drops duplicates a retry would write (acks=all is implied and sent).
 * - `maxInFlightRequests: 1`: kafkajs 2.2.4 does not implement the sequence re-assignment that makes
 *   up to 5 in-flight requests safe with idempotence (tulios/kafkajs#980); it serialises idempotent
 *   produce requests per broker with a lock anyway. The SDK itself sends one batch at a time.
 * - `DefaultPartitioner`: Java-compatible murmur2 on the key (the domain), so a domain lands where a
 *   Java or librdkafka producer would put it.
 * - bounded retries (kafkajs' idempotent default is unbounded), so a dead cluster ends in an error
 *   instead of a hang; kafkajs logs one warning about it at start.
 * - a new producer (a new producer id, sequences from 0) after a send failed by an outage or a refusal of
 *   the producer's sequence state (see `needsNewProducer`). kafkajs 2.2.4 numbers
 *   a partition's batches before sending and takes the numbers back when a request fails, but when a
 *   broker dies mid-send, a retry to the partition's new leader can be numbered while the request to the
 *   dead one is still pending; from then on every batch to that partition is refused with
 *   OUT_OF_ORDER_SEQUENCE_NUMBER, for good (seen in test/kafka-cluster/broker-kills.test.ts). The Java
 *   client bumps the producer epoch in that case; a fresh producer id is the kafkajs equivalent. A batch
 *   whose acknowledgement was lost may then be written twice; the processor counts an event id once.
 */
export class KafkaTransport implements RecordTransport {
  readonly #kafka: Kafka;
  readonly #options: KafkaTransportOptions;
  #producer: Producer;
  /** Set by a failed send: the next send starts with a new producer (see above). */
  #renew = false;

  constructor(kafka: Kafka, options: KafkaTransportOptions) {
    this.#kafka = kafka;
    this.#options = options;
    this.#producer = this.#newProducer();
  }

  #newProducer(): Producer {
    return this.#kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: this.#options.sendRetries, initialRetryTime: 100, maxRetryTime: 5_000 },
    });
  }

  /**
   * Connects, or fails with the access error (credentials, untrusted certificate, missing ACL: at once,
   * without retries) or MM_ERR_KAFKA_UNAVAILABLE. A failed connect leaves kafkajs' sockets open (to a
   * broker that accepts but never answers, they stay open for good and keep the process alive), so it is
   * followed by a disconnect.
   */
  async connect(): Promise<void> {
    await assertKafkaAccess(this.#options.kafkaConfig, { logger: this.#options.logger });
    try {
      await this.#producer.connect();
    } catch (error) {
      await this.#producer.disconnect().catch(() => undefined);
      throw (
        kafkaAccessError(
          error,
          this.#options.kafkaConfig,
          'starting an idempotent producer (needs Write on the topic)',
        ) ??
        new KafkaUnavailableError(this.#options.kafkaConfig.brokers, (error as Error).message, {
          cause: error,
        })
      );
    }
  }

  /** Rejects with MM_ERR_KAFKA_NOT_AUTHORIZED when an ACL is missing, with kafkajs' error otherwise. */
  async send(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    try {
      if (this.#renew) {
        await this.#producer.disconnect().catch(() => undefined);
        this.#producer = this.#newProducer();
        await this.#producer.connect();
        this.#renew = false;
      }
      await this.#producer.send({
        topic,
        acks: -1,
        timeout: this.#options.requestTimeoutMs,
        // The records are kafkajs messages as they are (key, value, headers): kafkajs 2.2.4 only reads
        // them, so no message object is built per record.
        messages: records as Message[],
      });
    } catch (error) {
      // Set, never cleared, here: a renewal whose connect failed (credentials, an ACL) is tried again by
      // the next send rather than sending through a producer that never connected.
      if (needsNewProducer(error)) this.#renew = true;
      throw kafkaAccessError(error, this.#options.kafkaConfig, `writing topic ${topic}`) ?? error;
    }
  }

  disconnect(): Promise<void> {
    return this.#producer.disconnect();
  }
}

/**
 * The broker's refusals of an idempotent producer's id, epoch or sequence numbers: the broker lost the
 * producer's state (UNKNOWN_PRODUCER_ID) or kafkajs' numbering went wrong (see KafkaTransport). A new
 * producer id clears them all.
 */
const PRODUCER_STATE_ERRORS = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
]);

/**
 * Whether the send after one that failed with `error` needs a new producer: yes after an outage or a
 * refusal of the producer's state (both retriable), no after a refusal of the data (a record too large,
 * which the SDK answers by splitting the batch) or of this client (credentials, ACLs, a missing topic),
 * which a new producer id would not change and would only cost a reconnect and an InitProducerId.
 */
export function needsNewProducer(error: unknown): boolean {
  return isRetriableSendError(error) && !isRecordTooLargeError(error);
}

/** kafkajs marks transient failures `retriable`; the retrier wraps the last one as `originalError`. */
export function isRetriableSendError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const err = e as {
      retriable?: unknown;
      name?: unknown;
      type?: unknown;
      originalError?: unknown;
      cause?: unknown;
    };
    if (err.retriable === true) return true;
    // kafkajs calls these final, but KafkaTransport sends the next batch with a new producer id (see there).
    if (typeof err.type === 'string' && PRODUCER_STATE_ERRORS.has(err.type)) return true;
    if (err.name === 'KafkaJSConnectionError' || err.name === 'KafkaJSRequestTimeoutError') return true;
    e = err.originalError ?? err.cause;
  }
  return false;
}

/** Kafka's protocol errors for a record or batch over `message.max.bytes` / the segment size. */
const TOO_LARGE_TYPES = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

/**
 * True when Kafka refused the request because a record (or the batch) is too large: a data problem,
 * never an outage. kafkajs wraps the protocol error as `cause` of a KafkaJSNonRetriableError, or
 * gathers several in a KafkaJSAggregateError's `errors`; the whole chain is searched.
 */
export function isRecordTooLargeError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const err = error as { type?: unknown; originalError?: unknown; cause?: unknown; errors?: unknown };
  if (typeof err.type === 'string' && TOO_LARGE_TYPES.has(err.type)) return true;
  if (Array.isArray(err.errors) && err.errors.some((e) => isRecordTooLargeError(e, depth + 1))) return true;
  const next = err.originalError ?? err.cause;
  return next !== error && isRecordTooLargeError(next, depth + 1);
}
