import { Partitioners, type Consumer, type EachBatchPayload, type Kafka, type Producer } from 'kafkajs';
import {
  BatchStalledError,
  ErrorCodes,
  FencedWriteError,
  isRetriable,
  redisFailure,
  type Logger,
  type MeshMomentumError,
} from '@mesh-momentum/common';
import { kafkaAccessError } from '@mesh-momentum/kafka';
import { registryOptionsFrom, type EventCodec } from '@mesh-momentum/events';
import type { ScoringConfig } from '@mesh-momentum/scoring';
import { registryAnswers, withDeadline, type HealthProbe } from '@mesh-momentum/service-kit';
import { keys, type RedisClient } from '@mesh-momentum/store';
import { ScoreStore } from '@mesh-momentum/store-writer';
import type { ProcessorConfig } from './config.ts';
import { decodeBatch } from './decode-batch.ts';
import { sendDeadLetters } from './dead-letter.ts';
import { ConsumerLagMonitor } from './lag-monitor.ts';
import { MeshRefresher } from './mesh-refresher.ts';
import { OffsetCommitter } from './offset-committer.ts';
import { PartitionPositions } from './partition-positions.ts';
import { createProcessorMetrics, type ProcessorMetrics } from './metrics.ts';
import { eventTimeRangeOf } from './event-time-range.ts';
import { HeapHighWater } from './heap-high-water.ts';

export interface ProcessorDeps {
  readonly config: ProcessorConfig;
  readonly scoring: ScoringConfig;
  readonly kafka: Kafka;
  readonly redis: RedisClient;
  readonly codec: EventCodec;
  readonly logger: Logger;
  /** Redis key namespace to write into (at start; see `followNamespace`). */
  readonly namespace: string;
  /**
   * Follow the namespace pointer: when a rebuild switches readers to a new namespace, continue there
   * from the position the rebuild reached. Off for the rebuild's own processor. @defaultValue true
   */
  readonly followNamespace?: boolean;
  /** Consumer group, when not the configured one (a rebuild consumes with its own group). */
  readonly groupId?: string;
  /** The clock scores are computed at; tests replace it. @defaultValue Date.now */
  readonly clock?: () => number;
  /**
   * Awaited before each batch is applied. A test seam: holding it past the session timeout makes this
   * instance a zombie whose partitions move elsewhere, as a long GC pause or a stopped process would.
   */
  readonly beforeApply?: (topic: string, partition: number) => Promise<void>;
  /**
   * Called once when the consumer crashed for good because Kafka refuses it (a missing ACL on the
   * group or a topic, credentials revoked): MM_ERR_KAFKA_NOT_AUTHORIZED and the like. The instance is
   * not live from then on, whether or not this is given.
   */
  readonly onRefused?: (error: MeshMomentumError) => void;
}

/** Back-off between retries of a batch that failed for a transient reason (Redis or registry down), ms. */
const RETRY_BACKOFF_MS = { initial: 200, max: 5_000 } as const;
/** How often the namespace pointer is checked while batches flow, ms (a rebuild's grace is longer). */
const NAMESPACE_CHECK_INTERVAL_MS = 1_000;
/** How often the applied offsets are committed to the consumer group (lag tools read them). */
const KAFKA_COMMIT_INTERVAL_MS = 1_000;
/** How often the true consumer lag is read from the brokers' high watermarks, ms. */
const LAG_POLL_INTERVAL_MS = 5_000;

export interface ProcessorStats {
  applied: number;
  skipped: number;
  deadLettered: number;
  batches: number;
}

/**
 * Consumes the events topic with a consumer group and keeps the scores in Redis. Per partition batch:
 * decode and validate → dead-letter what can never apply → apply in Redis (one atomic, idempotent,
 * fenced script per domain, with the new scores) → commit the offset to Kafka. A crash anywhere replays
 * the batch, which the store recognises and skips.
 */
export class Processor {
  readonly #deps: ProcessorDeps;
  readonly #log: Logger;
  #store: ScoreStore;
  #namespace: string;
  readonly #positions: PartitionPositions;
  #namespaceCheckedAtMs = 0;
  readonly #consumer: Consumer;
  readonly #producer: Producer;
  readonly #clock: () => number;
  /** Fencing epoch per partition of the current assignment; cleared on every rebalance. */
  readonly #epochs = new Map<string, number>();
  /**
   * Partitions whose write was fenced: another instance owns them. Their batches are dropped until the
   * next assignment; taking a fresh epoch instead would fence the rightful owner in turn.
   */
  readonly #fenced = new Set<string>();
  readonly stats: ProcessorStats = { applied: 0, skipped: 0, deadLettered: 0, batches: 0 };
  readonly metrics: ProcessorMetrics = createProcessorMetrics(() => this.#store.mirrorStats());
  #crashed = false;
  #joined = false;
  /** Partitions of the current assignment, by topic. */
  #assignment: Record<string, number[]> = {};
  #tick: NodeJS.Timeout | undefined;
  #refreshing: Promise<void> | undefined;
  readonly #committer: OffsetCommitter;
  readonly #activeBatches = new Set<Promise<void>>();
  #stopping = false;
  readonly #mesh: MeshRefresher;
  /**
   * When a batch last applied records past any this instance had been through (epoch ms): readiness
   * needs recent progress. A rebalance, or a batch that replays records, is not progress.
   */
  #lastProgressAtMs = Date.now();
  readonly #lag: ConsumerLagMonitor;
  readonly #timeRange: { readonly minMs: number; readonly maxMs: number };
  /** Pauses fetching while the heap is near its limit (the memory budget). */
  readonly #highWater: HeapHighWater;

  constructor(deps: ProcessorDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? Date.now;
    this.#log = deps.logger.child({ component: 'processor' });
    this.#namespace = deps.namespace;
    this.#store = this.#storeFor(deps.namespace);
    this.#consumer = deps.kafka.consumer({
      groupId: deps.groupId ?? deps.config.processor.groupId,
      // Short waits keep produce-to-Redis latency low when traffic is light; large fetches make large
      // batches under load (catching up, rebuilding), and a batch writes each touched scope once however
      // many of its events it holds. But every fetched record stays in memory until its batch is
      // applied, decoded several times over. On a 200k-event backlog (bench:processor, quiet machine):
      // 4 MiB per partition, 16 in all: 12.7k events/s, RSS 785 MB; 16 and 48: 21k events/s, RSS
      // 1.07 GB. The defaults favour bounded memory; a rebuild or a long catch-up may raise them
      // (MM_PROCESSOR_FETCH_PARTITION_MB, MM_PROCESSOR_FETCH_MB).
      maxWaitTimeInMs: 50,
      maxBytesPerPartition: deps.config.processor.fetchPartitionBytes,
      maxBytes: deps.config.processor.fetchBytes,
      sessionTimeout: deps.config.processor.sessionTimeoutMs,
      heartbeatInterval: Math.min(3_000, Math.floor(deps.config.processor.sessionTimeoutMs / 3)),
    });
    this.#producer = deps.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    const events = [{ topic: deps.config.topics.events }];
    this.#highWater = new HeapHighWater({
      pause: () => this.#consumer.pause(events),
      resume: () => this.#consumer.resume(events),
      logger: this.#log,
      resident: { bytes: deps.config.processor.memoryBudgetBytes },
    });
    this.#committer = new OffsetCommitter(this.#consumer, this.#log, KAFKA_COMMIT_INTERVAL_MS);
    this.#positions = new PartitionPositions({
      consumer: this.#consumer,
      // Always the current namespace's store: a rebuild's switch replaces it.
      progressOf: (topic, partition) => this.#store.partitionProgress(topic, partition),
      logger: this.#log,
    });
    this.#mesh = new MeshRefresher({
      refresh: (asOfMs) => this.#store.refreshMesh(asOfMs),
      clock: this.#clock,
      logger: this.#log,
    });
    this.#timeRange = eventTimeRangeOf(deps.scoring);
    this.#lag = new ConsumerLagMonitor({
      admin: deps.kafka.admin(),
      logger: this.#log,
      gauge: this.metrics.consumerLag,
      positions: () => this.#assignedPositions(),
    });
    this.#consumer.on(this.#consumer.events.GROUP_JOIN, (event) => {
      this.#committer.clear();
      // Partitions may have moved: new epochs, and re-read every domain from Redis before writing it.
      this.#epochs.clear();
      this.#fenced.clear();
      this.#positions.reset();
      this.#store.forgetAll();
      this.#assignment = event.payload.memberAssignment;
      this.#joined = true;
      // The mesh hash may be missing (a Redis that lost its last writes, a fresh namespace): rewrite it
      // now instead of at the next tick.
      this.#mesh.schedule();
      this.#log.info({ assignment: event.payload.memberAssignment }, 'partitions assigned');
    });
    this.#consumer.on(this.#consumer.events.CRASH, (event) => {
      // kafkajs restarts the consumer after retriable crashes; only a final one makes us unhealthy.
      if (!event.payload.restart) this.#crashed = true;
      this.#log.error({ err: event.payload.error, restart: event.payload.restart }, 'consumer crashed');
      const refused = kafkaAccessError(
        event.payload.error,
        deps.config.kafka,
        `consuming ${deps.config.topics.events} in group ${deps.groupId ?? deps.config.processor.groupId}`,
      );
      if (refused !== undefined && !event.payload.restart) deps.onRefused?.(refused);
    });
    this.#consumer.on(this.#consumer.events.STOP, () => {
      this.#joined = false;
    });
    // After a reconnect, Redis may have restarted and lost its last writes (AOF fsyncs once a second):
    // trust nothing held in memory. Mirrors are re-read, and each partition seeks back to the progress
    // Redis still has, so whatever it lost is applied again (and what it kept is recognised as applied).
    deps.redis.on('ready', () => {
      this.#store.forgetMirrors();
      this.#positions.reset();
      this.#log.info('redis (re)connected: in-memory state dropped, partitions re-positioned from Redis');
      // Quiet partitions too: they may have nothing new to fetch, yet need to replay what Redis lost.
      void this.#positions
        .reposition(this.#assignment)
        .catch((error: unknown) =>
          this.#log.warn({ err: error }, 're-positioning after a reconnect failed; the next batch retries'),
        );
      this.#mesh.schedule();
    });
  }

  get store(): ScoreStore {
    return this.#store;
  }

  get namespace(): string {
    return this.#namespace;
  }

  #storeFor(namespace: string): ScoreStore {
    return new ScoreStore(
      this.#deps.redis,
      { prefix: this.#deps.config.redis.keyPrefix, namespace },
      this.#deps.scoring,
      {
        dedupWindowDays: this.#deps.config.processor.dedupWindowDays,
        mirrorMaxBytes: this.#deps.config.processor.mirrorMaxBytes,
      },
    );
  }

  /**
   * Follows the namespace pointer. After a rebuild switched it, this instance writes the new namespace
   * with new epochs and re-positions every partition at the progress the rebuild recorded there.
   */
  async #followNamespace(): Promise<void> {
    if (this.#deps.followNamespace === false) return;
    // At most once a second: a switch waits a rebuild's grace period anyway.
    const now = Date.now();
    if (now - this.#namespaceCheckedAtMs < NAMESPACE_CHECK_INTERVAL_MS) return;
    this.#namespaceCheckedAtMs = now;
    const current = await this.#deps.redis
      .get(keys.namespacePointer(this.#deps.config.redis.keyPrefix))
      .catch((error: unknown) => {
        throw redisFailure(error, 'reading the namespace pointer failed');
      });
    if (current === null || current === this.#namespace) return;
    this.#log.info({ from: this.#namespace, to: current }, 'namespace switched by a rebuild; following it');
    this.#namespace = current;
    this.#store = this.#storeFor(current);
    this.#epochs.clear();
    this.#positions.reset();
  }

  /**
   * Per assigned partition, the next offset this instance has to apply (undefined before the first
   * batch tells it): what the lag is measured from.
   */
  #assignedPositions(): { topic: string; partition: number; next: string | undefined }[] {
    return Object.entries(this.#assignment).flatMap(([topic, partitions]) =>
      partitions.map((partition) => ({ topic, partition, next: this.#positions.next(topic, partition) })),
    );
  }

  /**
   * Ready when the consumer is in its group, Redis and the registry answer, and records waiting are
   * being applied: no apply past the records this instance had already been through for
   * MM_PROCESSOR_STALL_TIMEOUT_MS while the lag is above zero, or cannot be measured, makes the
   * instance not ready, whatever the cause (a rebalance or a replay does not count as progress).
   */
  get health(): HealthProbe {
    return {
      live: () => !this.#crashed,
      ready: async () => {
        const [redis, registry] = await Promise.all([
          this.#deps.redis
            .ping()
            .then((r) => r === 'PONG')
            .catch(() => false),
          registryAnswers(registryOptionsFrom(this.#deps.config)),
        ]);
        // A lag of 0 vouches only when measured: while the brokers cannot say (a leader down), the
        // instance must show progress like one with records waiting. Records that arrive after a poll
        // found none waiting are judged from that poll on.
        const caughtUp = this.#lag.total === 0 && this.#lag.current;
        const stalledForMs = Date.now() - Math.max(this.#lastProgressAtMs, this.#lag.caughtUpAtMs ?? 0);
        const progressing = caughtUp || stalledForMs < this.#deps.config.processor.stallTimeoutMs;
        const checks = { consumerJoined: this.#joined && !this.#crashed, redis, registry, progressing };
        return { ready: Object.values(checks).every(Boolean), checks };
      },
    };
  }

  async start(): Promise<void> {
    await this.#producer.connect();
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: this.#deps.config.topics.events, fromBeginning: true });
    await this.#consumer.run({
      // Offsets are committed by #committer, off the batch path (see OffsetCommitter).
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Partitions carry disjoint domains, so their batches apply independently; while one waits on
      // Redis, another is decoded and planned. All six at once applied a 200k-event backlog no faster
      // (bench:processor, loaded machine: 12.0k events/s against 12.5k, the same idle share).
      partitionsConsumedConcurrently: 3,
      // eachBatch returns once its batch is applied, and kafkajs fetches again only after every batch of
      // a fetch returned: the fetch cadence follows the applying, so batches grow with the load.
      // Resolving a batch at once and applying it behind (to overlap the next fetch) made kafkajs fetch
      // in a tight loop instead: at 10k events/s for 20 s, 3,872 fetches rather than 20, and 148 µs of
      // CPU per event rather than 68.
      eachBatch: (payload) => {
        const batch = this.#handleBatch(payload);
        this.#activeBatches.add(batch);
        return batch.finally(() => this.#activeBatches.delete(batch));
      },
    });
    this.#tick = setInterval(() => {
      // One refresh at a time; stop() waits for the one running.
      this.#refreshing ??= this.refresh()
        .catch(() => undefined)
        .finally(() => (this.#refreshing = undefined));
    }, this.#deps.config.processor.tickMs);
    this.#tick.unref();
    this.#lag.start(LAG_POLL_INTERVAL_MS);
    this.#highWater.start();
  }

  /** Finishes the batch in flight, commits, and disconnects. */
  async stop(): Promise<void> {
    if (this.#tick) clearInterval(this.#tick);
    this.#highWater.stop();
    // No new batch starts; the ones running finish, and their offsets are committed while this member
    // is still in the group (kafkajs leaves it when the consumer stops).
    this.#stopping = true;
    await this.#lag.stop();
    await Promise.allSettled([...this.#activeBatches, this.#refreshing]);
    await this.#committer.close();
    await this.#consumer.disconnect();
    await this.#producer.disconnect();
    // A mesh refresh still owed to the last batches runs now, so the mesh figures are not left behind.
    await this.#mesh.flush();
  }

  /**
   * Rewrites every owned scope's scores and the mesh-wide figures as of now: decay moves scores and
   * stalls begin even when no event arrives. Runs every MM_PROCESSOR_TICK_MS.
   */
  async refresh(): Promise<void> {
    const now = this.#clock();
    try {
      await this.#followNamespace();
      await this.#store.refreshOwned(now, (topic, partition) => this.#epochs.get(`${topic}:${partition}`));
      await this.#mesh.now(now);
    } catch (error) {
      this.#log.warn({ err: error }, 'periodic score refresh failed; the next tick retries');
      throw error;
    }
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
      if (this.#stopping || !isRunning() || isStale() || this.#fenced.has(`${topic}:${partition}`)) return;
      try {
        const done = await withDeadline(
          this.#applyBatchOnce(batch, resolveOffset),
          this.#deps.config.processor.stallTimeoutMs,
          () => {
            // Whatever the abandoned attempt still does, nothing it holds is trusted any more: mirrors are
            // re-read and the partition re-positioned from Redis before the retry.
            this.#store.forgetMirrors();
            this.#positions.reset();
            return new BatchStalledError(topic, partition, this.#deps.config.processor.stallTimeoutMs);
          },
        );
        if (done) stopTimer();
        return;
      } catch (error) {
        if (error instanceof FencedWriteError) {
          // Another instance owns this partition now: drop the batch, the new owner applies it.
          this.metrics.fencedBatches.inc();
          this.#fenced.add(`${topic}:${partition}`);
          this.#log.warn(
            { topic, partition, err: error },
            'write fenced; partition moved to another instance',
          );
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

  /**
   * One attempt at a batch: position check, decode, dead letters, apply, progress. Answers false when the
   * batch was not applied (the partition seeks elsewhere first, or Redis reconnected meanwhile).
   */
  async #applyBatchOnce(
    batch: EachBatchPayload['batch'],
    resolveOffset: EachBatchPayload['resolveOffset'],
  ): Promise<boolean> {
    const { topic, partition, messages } = batch;
    await this.#followNamespace();
    const generation = this.#positions.generation;
    if (!(await this.#positions.check(topic, partition, messages[0]?.offset ?? batch.firstOffset() ?? '0')))
      return false;
    const epoch = await this.#epochFor(topic, partition);
    await this.#deps.beforeApply?.(topic, partition);
    const now = this.#clock();
    const decoded = await decodeBatch(this.#deps.codec, messages, {
      maxFutureSkewMs: this.#deps.config.maxFutureSkewMs,
      timeRange: this.#timeRange,
    });
    // Dead letters first: a record is committed past only once it is applied or dead-lettered.
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
        ? await this.#store.applyPartitionBatch({
            topic,
            partition,
            epoch,
            asOfMs: now,
            byDomain: decoded.byDomain,
          })
        : { applied: 0, skipped: 0, appliedByType: new Map() };
    if (generation !== this.#positions.generation) return false;
    const last = batch.lastOffset();
    const next = (BigInt(last) + 1n).toString();
    await this.#store.recordPartitionProgress(topic, partition, next);
    // Redis reconnected meanwhile: the partition was sought back to what Redis has; keep that.
    if (generation !== this.#positions.generation) return false;
    resolveOffset(last);
    this.#committer.note(topic, partition, next);
    if (this.#positions.applied(topic, partition, next)) this.#lastProgressAtMs = Date.now();
    this.#record(
      { topic, partition, highWatermark: batch.highWatermark, lastOffset: last },
      result,
      decoded.rejected,
      messages,
    );
    if (result.applied > 0) this.#mesh.schedule();
    this.#log.debug(
      { topic, partition, last, applied: result.applied, skipped: result.skipped },
      'batch done',
    );
    return true;
  }

  #record(
    position: { topic: string; partition: number; highWatermark: string; lastOffset: string },
    result: { applied: number; skipped: number; appliedByType: ReadonlyMap<string, number> },
    rejected: readonly { error: Error }[],
    messages: readonly { timestamp: string }[],
  ): void {
    this.stats.applied += result.applied;
    this.stats.skipped += result.skipped;
    this.stats.deadLettered += rejected.length;
    this.stats.batches += 1;
    this.metrics.eventsSkipped.inc(result.skipped);
    for (const [type, n] of result.appliedByType) this.metrics.eventsApplied.inc({ type }, n);
    for (const { error } of rejected) {
      this.metrics.deadLettered.inc({ reason: (error as { code?: string }).code ?? ErrorCodes.UNEXPECTED });
    }
    const now = Date.now();
    for (const m of messages) this.metrics.eventToStoreLatency.observe((now - Number(m.timestamp)) / 1000);
    // The high watermark is the offset of the next record to be written.
    this.metrics.consumerLag.set(
      { topic: position.topic, partition: String(position.partition) },
      Math.max(0, Number(BigInt(position.highWatermark) - BigInt(position.lastOffset) - 1n)),
    );
  }
}
