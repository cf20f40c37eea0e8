import type { ScoringConfig } from '@mesh-momentum/scoring';
import type { KeySpace, RedisClient } from '@mesh-momentum/store';
import { defineApplyScript } from './apply-script.ts';
import { DomainLocks } from './domain-locks.ts';
import { refreshMesh } from './mesh-refresh.ts';
import { HEAP_BYTES_PER_DAY_BUCKET, MirrorCache, type MirrorStats } from './mirror-cache.ts';
import { refreshOwned, type EpochOf } from './owned-refresh.ts';
import { PartitionBatchWriter, type ApplyResult, type PartitionBatch } from './partition-batch-writer.ts';
import { PartitionProgress } from './partition-progress.ts';
import type { WriteContext } from './write-context.ts';

export interface ScoreStoreOptions {
  /** MM_PROCESSOR_DEDUP_WINDOW_DAYS: how far apart (by record timestamp) copies of an event are recognised. */
  readonly dedupWindowDays?: number;
  /**
   * Heap the in-memory mirrors may take before the least recently used are dropped (MirrorCache),
   * bytes, estimated at HEAP_BYTES_PER_DAY_BUCKET per day bucket. @defaultValue Infinity
   */
  readonly mirrorMaxBytes?: number;
}

/** The de-duplication window when none is configured, days (the MM_PROCESSOR_DEDUP_WINDOW_DAYS default). */
export const DEFAULT_DEDUP_WINDOW_DAYS = 7;

/**
 * Writes the processor's effects into Redis: the one entry point of the write engine, wiring its parts
 * together. The scores written with each batch are computed from an in-memory mirror of the domain's
 * aggregates (MirrorCache), loaded from Redis on first use and kept in step by this instance's own
 * writes; a batch (PartitionBatchWriter) and the periodic refresh (refreshOwned) of the same domain
 * run one after the other (DomainLocks); fencing refuses the writes of an instance that lost the
 * partition (its mirror is dropped). The mesh-wide figures (refreshMesh) and the partitions' epochs
 * and progress (PartitionProgress) complete it.
 */
export class ScoreStore {
  readonly #keySpace: KeySpace;
  readonly #context: WriteContext;
  readonly #progress: PartitionProgress;
  readonly #batches: PartitionBatchWriter;

  constructor(
    redis: RedisClient,
    keySpace: KeySpace,
    config: ScoringConfig,
    options: ScoreStoreOptions = {},
  ) {
    this.#keySpace = keySpace;
    this.#context = {
      redis,
      keySpace,
      config,
      dedupWindowMs: (options.dedupWindowDays ?? DEFAULT_DEDUP_WINDOW_DAYS) * 86_400_000,
      mirrors: new MirrorCache(
        Math.floor((options.mirrorMaxBytes ?? Number.POSITIVE_INFINITY) / HEAP_BYTES_PER_DAY_BUCKET),
      ),
      locks: new DomainLocks(),
    };
    this.#progress = new PartitionProgress(redis, keySpace);
    this.#batches = new PartitionBatchWriter(this.#context);
    defineApplyScript(redis);
  }

  get keySpace(): KeySpace {
    return this.#keySpace;
  }

  /** A new fencing epoch for a partition, taken when this instance is assigned it. */
  takeEpoch(topic: string, partition: number): Promise<number> {
    return this.#progress.takeEpoch(topic, partition);
  }

  /** Records that everything before `nextOffset` of the partition is applied (or dead-lettered). */
  recordPartitionProgress(topic: string, partition: number, nextOffset: string): Promise<void> {
    return this.#progress.record(topic, partition, nextOffset);
  }

  /** The next offset to process for a partition in this namespace, or undefined if none was recorded. */
  partitionProgress(topic: string, partition: number): Promise<string | undefined> {
    return this.#progress.read(topic, partition);
  }

  /**
   * What the in-memory mirrors hold (for the processor's metrics and the benchmark): domains, scopes,
   * day buckets (two metric series and the counts series per scope) and standing entries.
   */
  mirrorStats(): MirrorStats {
    return this.#context.mirrors.stats();
  }

  /** Drops every mirror and what this instance owns: after a rebalance, domains may be another's now. */
  forgetAll(): void {
    this.#context.mirrors.clear();
    this.#batches.forgetListed();
  }

  /**
   * Drops every mirror but keeps the domains owned (a Redis reconnect, an abandoned batch): the
   * partitions are still this instance's, so the tick keeps refreshing quiet domains, reading each
   * from Redis first.
   */
  forgetMirrors(): void {
    this.#context.mirrors.dropMirrors();
    this.#batches.forgetListed();
  }

  /**
   * Applies one partition's batch: one Redis round trip for any number of events, fenced by the
   * batch's epoch (FencedWriteError when the partition is another's now).
   */
  applyPartitionBatch(batch: PartitionBatch): Promise<ApplyResult> {
    return this.#context.locks.run(batch.byDomain.keys(), () => this.#batches.apply(batch));
  }

  /**
   * Recomputes and rewrites the scores of every scope this instance holds, as of `asOfMs` (the
   * periodic tick: decay moves scores even when no event arrives); returns the domains rewritten.
   */
  refreshOwned(asOfMs: number, epochOf: EpochOf): Promise<number> {
    return refreshOwned(this.#context, asOfMs, epochOf);
  }

  /** Rewrites the mesh-wide figures (mesh score, domain rankings, stalled set) as of `asOfMs`. */
  refreshMesh(asOfMs: number): Promise<void> {
    return refreshMesh(this.#context, asOfMs);
  }
}
