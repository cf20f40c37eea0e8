import type { Kafka } from 'kafkajs';
import type { Config, Logger } from '@mesh-momentum/common';
import type { EventCodec } from '@mesh-momentum/events';
import type { RecordTransport } from './transport.ts';

/** What a full queue does to the next emit. */
export type WhenQueueFull = 'wait' | 'fail';

/**
 * Options of {@link createMeshMomentumProducer}. Only `config` is required; every default lives in
 * {@link PRODUCER_DEFAULTS}.
 */
export interface MeshMomentumProducerOptions {
  /** Validated configuration (`loadConfig(process.env)`): brokers, registry, topic `topics.events`. */
  readonly config: Config;
  /**
   * CloudEvents `source` of events that do not name their own: a URI reference of the emitting tool,
   * e.g. `https://git.example.com/payments/orders-api`.
   * @defaultValue 'urn:meshmomentum:sdk'
   */
  readonly source?: string;
  /**
   * Most events accepted and not yet acknowledged by Kafka (queued plus in flight). Memory is bounded
   * by this times the encoded event size.
   * @defaultValue 10_000
   */
  readonly maxQueuedEvents?: number;
  /**
   * What `emit`/`enqueue` do when `maxQueuedEvents` are outstanding: `'wait'` until a slot frees (the
   * promise stays pending, which is the back-pressure), `'fail'` rejects at once with
   * `MM_ERR_PRODUCER_QUEUE_FULL` (retriable).
   * @defaultValue 'wait'
   */
  readonly whenQueueFull?: WhenQueueFull;
  /**
   * Longest time an event waits for others to fill its batch, in milliseconds. 0 sends as soon as the
   * sender is free (events that arrive while a batch is in flight still travel together).
   * @defaultValue 5
   */
  readonly lingerMs?: number;
  /**
   * Most events in one produce request.
   * @defaultValue 1_000
   */
  readonly maxBatchSize?: number;
  /**
   * Most bytes (keys, values, headers) in one produce request. Keep it under the broker's
   * `message.max.bytes` (1 MiB by default): every event of a batch may go to one partition.
   * @defaultValue 900_000
   */
  readonly maxBatchBytes?: number;
  /**
   * Largest clock skew accepted for event times in the future, in milliseconds; later events are
   * refused with `MM_ERR_EVENT_FUTURE_DATED`. Taken from the configuration by default, so the SDK and
   * the processor (which dead-letters events beyond the same limit) never disagree.
   * @defaultValue `config.maxFutureSkewMs` (MM_MAX_FUTURE_SKEW_MS, 300_000 = 5 minutes)
   */
  readonly maxFutureSkewMs?: number;
  /**
   * Validate and encode, never connect to Kafka or send: `emit` resolves with the record that would
   * have been produced (`sent: false`). The registry is still asked for schema ids.
   * @defaultValue false
   */
  readonly validateOnly?: boolean;
  /**
   * Retries of one produce request (kafkajs retrier, exponential back-off) before its events are
   * rejected with `MM_ERR_PRODUCER_SEND_FAILED`. Bounded on purpose, so `close()` ends while Kafka is
   * down; a re-send of the same events (same ids) is de-duplicated downstream.
   * @defaultValue 8
   */
  readonly sendRetries?: number;
  /**
   * Broker-side timeout of one produce request, in milliseconds.
   * @defaultValue 30_000
   */
  readonly requestTimeoutMs?: number;
  /**
   * Clock for default event times and the future-skew check, in milliseconds since the epoch.
   * @defaultValue Date.now
   */
  readonly clock?: () => number;
  /**
   * Generates ids for events without one.
   * @defaultValue UUIDv7 at `clock()` (time-ordered; pooled randomness, see event-ids.ts)
   */
  readonly newId?: () => string;
  /** @defaultValue a pino logger at `config.logLevel`, `component: sdk` */
  readonly logger?: Logger;
  /** Kafka client to produce with. @defaultValue `createKafka(config.kafka, …)` */
  readonly kafka?: Kafka;
  /** Codec to encode with (shares its schema-id cache). @defaultValue a codec over `config.registry` */
  readonly codec?: EventCodec;
  /** Where batches go; replaces Kafka entirely (tests, custom pipelines). @defaultValue kafkajs producer */
  readonly transport?: RecordTransport;
}

/** Every default of the producer, in one place. */
export const PRODUCER_DEFAULTS = {
  source: 'urn:meshmomentum:sdk',
  maxQueuedEvents: 10_000,
  whenQueueFull: 'wait',
  lingerMs: 5,
  maxBatchSize: 1_000,
  maxBatchBytes: 900_000,
  validateOnly: false,
  sendRetries: 8,
  requestTimeoutMs: 30_000,
} as const satisfies Partial<MeshMomentumProducerOptions>;

/** Options with every default applied and checked. */
export interface CompiledProducerOptions {
  readonly source: string;
  readonly maxQueuedEvents: number;
  readonly whenQueueFull: WhenQueueFull;
  readonly lingerMs: number;
  readonly maxBatchSize: number;
  readonly maxBatchBytes: number;
  readonly maxFutureSkewMs: number;
  readonly validateOnly: boolean;
  readonly sendRetries: number;
  readonly requestTimeoutMs: number;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer (got ${value})`);
  return value;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`${name} must be a number >= 0 (got ${value})`);
  return value;
}

export function compileOptions(options: MeshMomentumProducerOptions): CompiledProducerOptions {
  const whenQueueFull = options.whenQueueFull ?? PRODUCER_DEFAULTS.whenQueueFull;
  if (whenQueueFull !== 'wait' && whenQueueFull !== 'fail') {
    throw new RangeError(`whenQueueFull must be 'wait' or 'fail' (got ${String(whenQueueFull)})`);
  }
  const source = options.source ?? PRODUCER_DEFAULTS.source;
  if (source.trim() === '') throw new RangeError('source must not be empty');
  return {
    source,
    whenQueueFull,
    maxQueuedEvents: positiveInteger(
      'maxQueuedEvents',
      options.maxQueuedEvents ?? PRODUCER_DEFAULTS.maxQueuedEvents,
    ),
    lingerMs: nonNegative('lingerMs', options.lingerMs ?? PRODUCER_DEFAULTS.lingerMs),
    maxBatchSize: positiveInteger('maxBatchSize', options.maxBatchSize ?? PRODUCER_DEFAULTS.maxBatchSize),
    maxBatchBytes: positiveInteger('maxBatchBytes', options.maxBatchBytes ?? PRODUCER_DEFAULTS.maxBatchBytes),
    maxFutureSkewMs: nonNegative(
      'maxFutureSkewMs',
      options.maxFutureSkewMs ?? options.config.maxFutureSkewMs,
    ),
    validateOnly: options.validateOnly ?? PRODUCER_DEFAULTS.validateOnly,
    sendRetries: positiveInteger('sendRetries', options.sendRetries ?? PRODUCER_DEFAULTS.sendRetries),
    requestTimeoutMs: positiveInteger(
      'requestTimeoutMs',
      options.requestTimeoutMs ?? PRODUCER_DEFAULTS.requestTimeoutMs,
    ),
  };
}
