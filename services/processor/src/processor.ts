import { Partitioners, type Consumer, type EachBatchPayload, type Kafka, type Producer } from 'kafkajs';
import type { Redis } from 'ioredis';
import { FencedWriteError, isRetriable, type Config, type Logger } from '@mesh-momentum/common';
import type { EventCodec } from '@mesh-momentum/events';
import { ScoreStore } from '@mesh-momentum/store';
import { decodeBatch } from './decode-batch.ts';
import { sendDeadLetters } from './dead-letter.ts';
import { createProcessorMetrics, type ProcessorMetrics } from './ops/metrics.ts';
import type { HealthProbe } from './ops/http-server.ts';

export interface ProcessorDeps {
  readonly config: Config;
  readonly kafka: Kafka;
  readonly redis: Redis;
  readonly codec: EventCodec;
  readonly logger: Logger;
  /** Redis key namespace to write into. @defaultValue 'v1' */
  readonly namespace?: string;
}

/** Back-off between retries of a batch that failed for a transient reason (Redis or registry down). */
const RETRY_BACKOFF_MS = { initial: 200, max: 5_000 } as const;

export interface ProcessorStats {
  applied: number;
  skipped: number;
  deadLettered: number;
  batches: number;
}

/**
 * Consumes the events topic with a consumer group and applies each batch to Redis. Ordering of the
 * guarantees: decode → dead-letter the unusable → apply in Redis (atomic per domain, idempotent) →
 * commit the offset to Kafka. A crash anywhere replays the batch, which the store ignores.
 */
export class Processor {
  readonly #deps: ProcessorDeps;
  readonly #log: Logger;
  readonly #store: ScoreStore;
  readonly #consumer: Consumer;
  readonly #producer: Producer;
  /** Fencing epoch per partition of the current assignment; cleared on every rebalance. */
  readonly #epochs = new Map<string, number>();
  readonly stats: ProcessorStats = { applied: 0, skipped: 0, deadLettered: 0, batches: 0 };
  readonly metrics: ProcessorMetrics = createProcessorMetrics();
  #crashed = false;
  #joined = false;

  constructor(deps: ProcessorDeps) {
    this.#deps = deps;
    this.#log = deps.logger.child({ component: 'processor' });
    this.#store = new ScoreStore(deps.redis, {
      prefix: deps.config.redis.keyPrefix,
      namespace: deps.namespace ?? 'v1',
    });
    this.#consumer = deps.kafka.consumer({
      groupId: deps.config.processor.groupId,
      // Short waits keep produce-to-Redis latency low when traffic is light.
      maxWaitTimeInMs: 100,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
    });
    this.#producer = deps.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.#consumer.on(this.#consumer.events.GROUP_JOIN, (event) => {
      this.#epochs.clear();
      this.#joined = true;
      this.#log.info({ assignment: event.payload.memberAssignment }, 'partitions assigned');
    });
    this.#consumer.on(this.#consumer.events.CRASH, (event) => {
      // kafkajs restarts the consumer on retriable crashes; only a final one makes us unhealthy.
      if (!event.payload.restart) this.#crashed = true;
      this.#log.error({ err: event.payload.error, restart: event.payload.restart }, 'consumer crashed');
    });
    this.#consumer.on(this.#consumer.events.STOP, () => {
      this.#joined = false;
    });
  }

  get health(): HealthProbe {
    return {
      live: () => !this.#crashed,
      ready: async () => {
        const redis = await this.#deps.redis
          .ping()
          .then((r) => r === 'PONG')
          .catch(() => false);
        const checks = { consumerJoined: this.#joined && !this.#crashed, redis };
        return { ready: Object.values(checks).every(Boolean), checks };
      },
    };
  }

  async start(): Promise<void> {
    await this.#producer.connect();
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: this.#deps.config.topics.events, fromBeginning: true });
    await this.#consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.#handleBatch(payload),
    });
  }

  /** Finishes the batch in flight, commits, and disconnects. */
  async stop(): Promise<void> {
    await this.#consumer.disconnect();
    await this.#producer.disconnect();
  }

  #record(
    position: { topic: string; partition: number; highWatermark: string; lastOffset: string },
    result: { applied: number; skipped: number; appliedByType?: ReadonlyMap<string, number> },
    rejected: readonly { error: Error }[],
    messages: readonly { timestamp: string }[],
  ): void {
    this.stats.applied += result.applied;
    this.stats.skipped += result.skipped;
    this.stats.deadLettered += rejected.length;
    this.stats.batches += 1;
    this.metrics.eventsSkipped.inc(result.skipped);
    for (const [type, n] of result.appliedByType ?? []) this.metrics.eventsApplied.inc({ type }, n);
    for (const { error } of rejected) {
      this.metrics.deadLettered.inc({ reason: (error as { code?: string }).code ?? 'MM_ERR_UNEXPECTED' });
    }
    const now = Date.now();
    for (const m of messages) this.metrics.eventToStoreLatency.observe((now - Number(m.timestamp)) / 1000);
    // The high watermark is the offset of the next record to be written.
    this.metrics.consumerLag.set(
      { topic: position.topic, partition: String(position.partition) },
      Math.max(0, Number(BigInt(position.highWatermark) - BigInt(position.lastOffset) - 1n)),
    );
  }

  async #epochFor(topic: string, partition: number): Promise<number> {
    const key = `${topic}:${partition}`;
    let epoch = this.#epochs.get(key);
    if (epoch === undefined) {
      epoch = await this.#store.takeEpoch(topic, partition);
      this.#epochs.set(key, epoch);
    }
    return epoch;
  }

  async #handleBatch({
    batch,
    heartbeat,
    isRunning,
    isStale,
    resolveOffset,
  }: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = batch;
    if (messages.length === 0) return;
    let backoffMs: number = RETRY_BACKOFF_MS.initial;
    const stopTimer = this.metrics.batchDuration.startTimer();
    for (;;) {
      if (!isRunning() || isStale()) return;
      try {
        const epoch = await this.#epochFor(topic, partition);
        const decoded = await decodeBatch(this.#deps.codec, messages);
        await sendDeadLetters(
          this.#producer,
          this.#deps.config.topics.deadLetter,
          decoded.rejected.map(({ message, error }) => ({
            topic,
            partition,
            offset: message.offset,
            timestamp: message.timestamp,
            key: message.key,
            value: message.value,
            headers: message.headers,
            error,
          })),
        );
        const result =
          decoded.byDomain.size > 0
            ? await this.#store.applyPartitionBatch({ topic, partition, epoch, byDomain: decoded.byDomain })
            : { applied: 0, skipped: 0 };
        const last = batch.lastOffset();
        resolveOffset(last);
        await this.#consumer.commitOffsets([{ topic, partition, offset: (BigInt(last) + 1n).toString() }]);
        this.#record(
          { topic, partition, highWatermark: batch.highWatermark, lastOffset: last },
          result,
          decoded.rejected,
          messages,
        );
        stopTimer();
        this.#log.debug(
          { topic, partition, last, ...result, rejected: decoded.rejected.length },
          'batch applied',
        );
        return;
      } catch (error) {
        if (error instanceof FencedWriteError) {
          // Another instance owns this partition now: drop the batch, it will apply it.
          this.#log.warn(
            { topic, partition, err: error },
            'write fenced; partition moved to another instance',
          );
          this.#epochs.delete(`${topic}:${partition}`);
          return;
        }
        if (!isRetriable(error)) throw error;
        this.metrics.transientFailures.inc({ code: (error as { code?: string }).code ?? 'unknown' });
        this.#log.warn({ topic, partition, err: error, backoffMs }, 'transient failure; retrying batch');
        await heartbeat().catch(() => undefined);
        await new Promise((r) => setTimeout(r, backoffMs));
        backoffMs = Math.min(backoffMs * 2, RETRY_BACKOFF_MS.max);
      }
    }
  }
}
