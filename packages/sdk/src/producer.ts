import { performance } from 'node:perf_hooks';
import { createLogger, EventTooLargeError, type Config, type Logger } from '@mesh-momentum/common';
import {
  EVENT_TYPES,
  EventCodec,
  RegistryClient,
  registryOptionsFrom,
  fillDefaults,
  toKafkaMessage,
  validateEvent,
  type DomainEvent,
  type EventInput,
  type EventOfType,
  type EventType,
} from '@mesh-momentum/events';
import { createKafka, isKafkaAccessError } from '@mesh-momentum/kafka';
import { decideBatch, type BatchPolicy } from './batch-policy.ts';
import { DeliveryQueue } from './delivery-queue.ts';
import { uuidv7 } from './event-ids.ts';
import { ProducerClosedError, ProducerQueueFullError, ProducerSendFailedError } from './errors.ts';
import { compileOptions, type CompiledProducerOptions, type MeshMomentumProducerOptions } from './options.ts';
import {
  isRecordTooLargeError,
  isRetriableSendError,
  KafkaTransport,
  type OutgoingRecord,
  type RecordTransport,
} from './transport.ts';

/**
 * What a caller passes for one event of type `T`: the events package's `EventInput` without `type`
 * (the method or `emit` argument names it) and with `source` optional (the producer's `source` option).
 * `id` (UUIDv7), `time` (now) and `subject` (the type's entity field) are optional too; times may be
 * epoch milliseconds or RFC 3339 text, decimals strings or numbers.
 */
export type EmitInput<T extends EventType> = Omit<EventInput<EventOfType<T>>, 'type' | 'source'> & {
  readonly source?: string;
};

/** Event interface per type name; an indexed access, so `DeliveryReport<'A'>` is a `DeliveryReport`. */
type EventByType = { readonly [K in EventType]: EventOfType<K> };

/** The outcome of one event. */
export interface DeliveryReport<T extends EventType = EventType> {
  /** The event as validated and encoded, with every default filled in. */
  readonly event: EventByType[T];
  readonly topic: string;
  /** The Kafka record: key = domain, value = Confluent wire format, CloudEvents `ce_*` headers. */
  readonly record: OutgoingRecord;
  /** True once Kafka acknowledged it; false in `validateOnly` mode. */
  readonly sent: boolean;
}

/** An event accepted into the queue; `delivered` settles when Kafka acknowledges or refuses it. */
export interface Delivery<T extends EventType = EventType> {
  readonly event: EventByType[T];
  readonly delivered: Promise<DeliveryReport<T>>;
}

/** `championGained`, `useCaseDelivered`, ...: one typed method per event type of the catalogue. */
export type EventMethods = {
  readonly [T in EventType as Uncapitalize<T>]: (input: EmitInput<T>) => Promise<DeliveryReport<T>>;
};

export interface ProducerStats {
  /** Events accepted into the queue. */
  readonly enqueued: number;
  readonly delivered: number;
  /** Events whose delivery promise was rejected with MM_ERR_PRODUCER_SEND_FAILED. */
  readonly failed: number;
  /** Events refused before queueing: invalid, future-dated, queue full or producer closed. */
  readonly refused: number;
}

interface Entry {
  readonly seq: number;
  readonly sizeBytes: number;
  readonly enqueuedAtMs: number;
  readonly report: DeliveryReport;
  readonly resolve: (report: DeliveryReport) => void;
  readonly reject: (error: unknown) => void;
}

interface FlushWaiter {
  readonly targetSeq: number;
  readonly resolve: () => void;
}

export function methodNameOf<T extends EventType>(type: T): Uncapitalize<T> {
  return (type.charAt(0).toLowerCase() + type.slice(1)) as Uncapitalize<T>;
}

/**
 * Emits domain events to Kafka: fills defaults, validates, Avro-encodes against the registry, queues
 * in a bounded queue and sends in batches with an idempotent kafkajs producer. One instance per
 * process is enough; it is safe to call from many concurrent tasks.
 *
 * Delivery: `emit` resolves once Kafka acknowledged the event (acks=all) and rejects with
 * MM_ERR_EVENT_INVALID / MM_ERR_EVENT_FUTURE_DATED (bad input, nothing queued),
 * MM_ERR_PRODUCER_QUEUE_FULL (`whenQueueFull: 'fail'`), MM_ERR_PRODUCER_CLOSED,
 * MM_ERR_EVENT_TOO_LARGE (Kafka refused this one event as larger than the topic accepts) or
 * MM_ERR_PRODUCER_SEND_FAILED (with `retriable` and `cause`). `enqueue` resolves as soon as the event
 * is in the queue, which is the back-pressure point for bulk loads: `await producer.enqueue(...)` in
 * a loop never holds more than `maxQueuedEvents` events.
 */
class MeshMomentumProducerImpl {
  readonly #options: CompiledProducerOptions;
  readonly #config: Config;
  readonly #logger: Logger;
  readonly #clock: () => number;
  readonly #newId: () => string;
  readonly #codec: EventCodec;
  readonly #transport: RecordTransport | undefined;
  readonly #policy: BatchPolicy;
  readonly #queue: DeliveryQueue<Entry>;
  readonly #schemaIds = new Map<string, number>();

  #seq = 0;
  #settledSeq = 0;
  #flushWaiters: FlushWaiter[] = [];
  #sending = false;
  #timer: NodeJS.Timeout | undefined;
  #connecting: Promise<void> | undefined;
  #preparing = 0;
  #closing = false;
  #closed: Promise<void> | undefined;
  #stats = { enqueued: 0, delivered: 0, failed: 0, refused: 0 };

  constructor(options: MeshMomentumProducerOptions) {
    this.#options = compileOptions(options);
    this.#config = options.config;
    this.#logger = (options.logger ?? createLogger({ name: 'sdk', level: options.config.logLevel })).child({
      component: 'sdk-producer',
    });
    this.#clock = options.clock ?? Date.now;
    this.#newId = options.newId ?? (() => uuidv7(this.#clock()));
    this.#codec = options.codec ?? new EventCodec(new RegistryClient(registryOptionsFrom(options.config)));
    this.#transport = this.#options.validateOnly
      ? undefined
      : (options.transport ??
        new KafkaTransport(
          options.kafka ??
            createKafka(options.config.kafka, {
              logger: this.#logger,
              clientId: `${options.config.kafka.clientId}-sdk`,
            }),
          { ...this.#options, kafkaConfig: options.config.kafka, logger: this.#logger },
        ));
    this.#policy = this.#options;
    this.#queue = new DeliveryQueue<Entry>(this.#options.maxQueuedEvents);
  }

  /** The topic events go to (`config.topics.events`). */
  get topic(): string {
    return this.#config.topics.events;
  }

  get stats(): ProducerStats {
    return { ...this.#stats };
  }

  /** Events accepted and not yet settled (queued plus in flight). */
  get outstanding(): number {
    return this.#queue.outstanding;
  }

  /**
   * Connects to Kafka now instead of on the first batch, so a wrong broker address fails at start-up.
   * Optional.
   */
  async connect(): Promise<void> {
    if (this.#closing) throw new ProducerClosedError();
    await this.#connect();
  }

  /** Emits one event and resolves when Kafka acknowledged it (or, with `validateOnly`, when it is encoded). */
  emit<T extends EventType>(type: T, input: NoInfer<EmitInput<T>>): Promise<DeliveryReport<T>> {
    return this.#enqueue(type, input).then((delivery) => delivery.delivered) as Promise<DeliveryReport<T>>;
  }

  /**
   * Validates, encodes and queues one event; resolves once it is in the queue (waiting for a slot when
   * the queue is full and `whenQueueFull` is `'wait'`). `delivered` settles on Kafka's answer; a
   * rejection nobody handles is not reported as unhandled, but is counted in `stats.failed` and logged.
   */
  enqueue<T extends EventType>(type: T, input: NoInfer<EmitInput<T>>): Promise<Delivery<T>> {
    return this.#enqueue(type, input) as unknown as Promise<Delivery<T>>;
  }

  async #enqueue(type: EventType, input: unknown): Promise<Delivery> {
    if (this.#closing) {
      this.#stats.refused++;
      throw new ProducerClosedError();
    }
    let entry: Entry;
    let deliveredPromise: Promise<DeliveryReport>;
    try {
      const prepared = this.#prepareSync(type, input) ?? (await this.#prepareAsync(type, input));
      if (this.#options.validateOnly) {
        return { event: prepared.event, delivered: Promise.resolve(prepared) };
      }
      let resolve!: (report: DeliveryReport) => void;
      let reject!: (error: unknown) => void;
      deliveredPromise = new Promise<DeliveryReport>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      entry = {
        seq: 0,
        sizeBytes: sizeOf(prepared.record),
        enqueuedAtMs: 0,
        report: prepared,
        resolve,
        reject,
      };
      // The common case, a free slot, without the promise of an async call.
      if (!this.#tryAdmit(entry)) await this.#admitWhenSpace(entry);
    } catch (error) {
      this.#stats.refused++;
      throw error;
    }
    // Nobody may be listening (fire-and-forget enqueue); failures are counted and logged in #sendBatch.
    deliveredPromise.catch(ignoreRejection);
    return { event: entry.report.event, delivered: deliveredPromise };
  }

  /** Resolves when every event accepted before the call is settled (delivered or rejected). */
  flush(): Promise<void> {
    const targetSeq = this.#seq;
    if (this.#settledSeq >= targetSeq) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#flushWaiters.push({ targetSeq, resolve });
      this.#schedule();
    });
  }

  /**
   * Stops accepting events (new emits reject with MM_ERR_PRODUCER_CLOSED), delivers everything
   * accepted or waiting for a slot, then disconnects. Idempotent. Each pending event is delivered or
   * its promise rejected; none is dropped silently.
   */
  close(): Promise<void> {
    this.#closing = true;
    this.#closed ??= this.#drainAndDisconnect();
    return this.#closed;
  }

  async #drainAndDisconnect(): Promise<void> {
    while (this.#queue.outstanding > 0 || this.#queue.waiting > 0 || this.#preparing > 0) {
      const before = this.#settledSeq;
      await this.flush();
      // A caller admitted from the wait list pushes on the next microtask; let it, then look again.
      if (this.#settledSeq === before) await new Promise((r) => setImmediate(r));
    }
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#connecting) {
      await this.#connecting.catch(() => {});
      await this.#transport?.disconnect();
    }
    this.#logger.debug({ stats: this.#stats }, 'producer closed');
  }

  // --- preparing one event -------------------------------------------------------------------------

  /** The synchronous path once the type's schema id is known: no await per event. */
  #prepareSync(type: EventType, input: unknown): DeliveryReport | undefined {
    const schemaId = this.#schemaIds.get(type);
    if (schemaId === undefined) {
      // Validate anyway, so bad input fails before the registry is asked for anything.
      this.#validate(type, input);
      return undefined;
    }
    return this.#encode(schemaId, this.#validate(type, input));
  }

  async #prepareAsync(type: EventType, input: unknown): Promise<DeliveryReport> {
    this.#preparing++;
    try {
      const schemaId = await this.#codec.schemaIdFor(type);
      this.#schemaIds.set(type, schemaId);
      return this.#encode(schemaId, this.#validate(type, input));
    } finally {
      this.#preparing--;
    }
  }

  #validate(type: EventType, input: unknown) {
    const nowMs = this.#clock();
    // One copy of the caller's object, filled in place: the caller's object is never changed.
    const filled: Record<string, unknown> = { ...(input as Record<string, unknown> | undefined), type };
    filled['source'] ??= this.#options.source;
    fillDefaults(filled, { nowMs, newId: this.#newId });
    return validateEvent(filled, { nowMs, maxFutureSkewMs: this.#options.maxFutureSkewMs });
  }

  #encode(schemaId: number, event: DomainEvent): DeliveryReport {
    const record: OutgoingRecord = toKafkaMessage(event, this.#codec.encodeValidated(schemaId, event));
    return { event, topic: this.#config.topics.events, record, sent: false };
  }

  // --- queueing ------------------------------------------------------------------------------------

  #tryAdmit(entry: Entry): boolean {
    if (!this.#queue.tryPush(entry)) return false;
    this.#accepted(entry);
    return true;
  }

  async #admitWhenSpace(entry: Entry): Promise<void> {
    if (this.#options.whenQueueFull === 'fail')
      throw new ProducerQueueFullError(this.#options.maxQueuedEvents);
    await this.#queue.waitForSpace();
    this.#queue.pushReserved(entry);
    this.#accepted(entry);
  }

  #accepted(entry: Entry): void {
    // Entries are immutable to callers; seq and time are set once, here, before anyone reads them.
    const e = entry as { seq: number; enqueuedAtMs: number };
    e.seq = ++this.#seq;
    e.enqueuedAtMs = performance.now();
    this.#stats.enqueued++;
    this.#schedule();
  }

  // --- sending -------------------------------------------------------------------------------------

  /** Starts a send, arms the linger timer, or does nothing, as the batch policy says. */
  #schedule(): void {
    if (this.#sending) return;
    const decision = decideBatch(this.#policy, this.#queueState(), performance.now());
    if (decision.action === 'send') {
      if (this.#timer) {
        clearTimeout(this.#timer);
        this.#timer = undefined;
      }
      void this.#drain();
    } else if (decision.action === 'wait' && !this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#schedule();
      }, Math.ceil(decision.delayMs));
    }
  }

  #queueState() {
    const oldest = this.#queue.peek();
    return {
      queued: this.#queue.queued,
      queuedBytes: this.#queue.queuedBytes,
      oldestEnqueuedAtMs: oldest?.enqueuedAtMs,
      flushRequested: this.#closing || this.#flushWaiters.length > 0,
    };
  }

  /** Sends batches one after another while the policy says so; one produce request in flight at most. */
  async #drain(): Promise<void> {
    this.#sending = true;
    try {
      while (decideBatch(this.#policy, this.#queueState(), performance.now()).action === 'send') {
        const batch = this.#queue.take(this.#options.maxBatchSize, this.#options.maxBatchBytes);
        await this.#sendBatch(batch);
      }
    } finally {
      this.#sending = false;
    }
    this.#schedule();
  }

  async #sendBatch(batch: readonly Entry[]): Promise<void> {
    try {
      await this.#deliver(this.#config.topics.events, batch);
    } finally {
      this.#queue.release(batch.length);
      const last = batch[batch.length - 1];
      if (last) this.#settle(last.seq);
    }
  }

  /**
   * Sends `batch` and settles each event's promise. A batch Kafka refuses as too large is split in
   * halves until the oversized events stand alone: only they fail, with MM_ERR_EVENT_TOO_LARGE (a data
   * error), and every other event is delivered. At most log2(maxBatchSize) rounds of splitting.
   */
  async #deliver(topic: string, batch: readonly Entry[]): Promise<void> {
    try {
      await this.#connect();
      await (this.#transport as RecordTransport).send(
        topic,
        batch.map((e) => e.report.record),
      );
      for (const e of batch) e.resolve({ ...e.report, sent: true });
      this.#stats.delivered += batch.length;
    } catch (cause) {
      if (isRecordTooLargeError(cause)) {
        if (batch.length > 1) {
          const middle = Math.ceil(batch.length / 2);
          await this.#deliver(topic, batch.slice(0, middle));
          await this.#deliver(topic, batch.slice(middle));
          return;
        }
        const entry = batch[0] as Entry;
        const error = new EventTooLargeError(topic, entry.sizeBytes, { cause });
        this.#logger.warn(
          { topic, eventId: entry.report.event.id, sizeBytes: entry.sizeBytes },
          'event refused by Kafka as too large',
        );
        entry.reject(error);
        this.#stats.failed++;
        return;
      }
      // Kafka refusing this client (credentials, trust, ACLs) is said as such: no retry can help.
      const error = isKafkaAccessError(cause)
        ? cause
        : new ProducerSendFailedError(topic, batch.length, { retriable: isRetriableSendError(cause), cause });
      this.#logger.error({ err: cause, topic, events: batch.length }, 'batch not acknowledged by Kafka');
      for (const e of batch) e.reject(error);
      this.#stats.failed += batch.length;
    }
  }

  #settle(seq: number): void {
    this.#settledSeq = seq;
    let i = 0;
    while (i < this.#flushWaiters.length && (this.#flushWaiters[i] as FlushWaiter).targetSeq <= seq) {
      (this.#flushWaiters[i] as FlushWaiter).resolve();
      i++;
    }
    if (i > 0) this.#flushWaiters = this.#flushWaiters.slice(i);
  }

  #connect(): Promise<void> {
    if (!this.#transport) return Promise.resolve();
    if (!this.#connecting) {
      this.#connecting = this.#transport.connect();
      // A failed connect is not cached: the next batch tries again.
      this.#connecting.catch(() => {
        this.#connecting = undefined;
      });
    }
    return this.#connecting;
  }
}

for (const type of EVENT_TYPES) {
  Object.defineProperty(MeshMomentumProducerImpl.prototype, methodNameOf(type), {
    value: function (this: MeshMomentumProducerImpl, input: unknown) {
      // The method's public type (EventMethods) is precise; here one untyped body serves every type.
      const emit = this.emit as (type: EventType, input: unknown) => Promise<DeliveryReport>;
      return emit.call(this, type, input);
    },
    writable: false,
    enumerable: false,
    configurable: false,
  });
}

/** The producer: `emit`/`enqueue`/`flush`/`close` plus one typed method per event type. */
export type MeshMomentumProducer = MeshMomentumProducerImpl & EventMethods;
export const MeshMomentumProducer = MeshMomentumProducerImpl as new (
  options: MeshMomentumProducerOptions,
) => MeshMomentumProducer;

export function createMeshMomentumProducer(options: MeshMomentumProducerOptions): MeshMomentumProducer {
  return new MeshMomentumProducer(options);
}

/** Marks a delivery promise handled: its failure is counted and logged where it happens. */
function ignoreRejection(): void {}

function sizeOf(record: OutgoingRecord): number {
  let bytes = record.key.length + record.value.length;
  for (const name in record.headers) {
    const value = record.headers[name];
    bytes += name.length + (value === undefined ? 0 : value.length);
  }
  return bytes;
}
