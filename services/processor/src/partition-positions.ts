import type { Consumer } from 'kafkajs';
import type { Logger } from '@mesh-momentum/common';

/** Seeks to one offset after which a partition that still starts later is accepted as having a gap. */
const SEEKS_BEFORE_GAP = 5;

export interface PartitionPositionsOptions {
  readonly consumer: Pick<Consumer, 'seek'>;
  /** The progress Redis records for the partition (the next offset to apply), or undefined. */
  readonly progressOf: (topic: string, partition: number) => Promise<string | undefined>;
  readonly logger: Logger;
}

/**
 * Where each partition must resume: the next offset this instance must apply, from Redis's progress
 * record, then from its own applies. A batch that does not start there is not applied: the partition
 * seeks there first. In order, so that the recorded progress only ever means "everything before it is
 * applied": a partition never records progress past records it skipped.
 */
export class PartitionPositions {
  readonly #options: PartitionPositionsOptions;
  readonly #expected = new Map<string, string>();
  /**
   * Per partition, the furthest next offset this instance has applied up to. Never reset: records
   * replayed after a rebalance, a seek back or a retried batch do not move it.
   */
  readonly #furthest = new Map<string, bigint>();
  /**
   * Seeks made per partition and target offset. Batches fetched before a seek still arrive after it,
   * so one mismatch proves nothing; only after SEEKS_BEFORE_GAP seeks to the same offset is a gap taken
   * as real (records deleted below the log start).
   */
  readonly #sought = new Map<string, number>();
  #generation = 0;

  constructor(options: PartitionPositionsOptions) {
    this.#options = options;
  }

  /**
   * Bumped by every reset. A batch that started before a reset (Redis reconnected while it was being
   * applied) records no progress and commits nothing: the partition was sought back and the replay
   * decides what is applied.
   */
  get generation(): number {
    return this.#generation;
  }

  /** Forgets every position: on assignment, namespace switch and Redis reconnect. */
  reset(): void {
    this.#expected.clear();
    this.#sought.clear();
    this.#generation += 1;
  }

  /** The next offset to apply, when known. */
  next(topic: string, partition: number): string | undefined {
    return this.#expected.get(`${topic}:${partition}`);
  }

  /** Records that everything before `offset` is applied. */
  advance(topic: string, partition: number, offset: string): void {
    this.#expected.set(`${topic}:${partition}`, offset);
  }

  /**
   * Records that a batch was applied up to `offset` (the next one to apply). Answers whether that
   * reaches past anything this instance applied before in the partition: progress on records waiting,
   * not a replay of records it had already been through.
   */
  applied(topic: string, partition: number, offset: string): boolean {
    this.advance(topic, partition, offset);
    const key = `${topic}:${partition}`;
    const next = BigInt(offset);
    const furthest = this.#furthest.get(key);
    if (furthest !== undefined && next <= furthest) return false;
    this.#furthest.set(key, next);
    return true;
  }

  /** Seeks every given partition to the progress Redis has for it (after Redis came back). */
  async reposition(assignment: Readonly<Record<string, readonly number[]>>): Promise<void> {
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) {
        const progress = (await this.#options.progressOf(topic, partition)) ?? '0';
        this.advance(topic, partition, progress);
        this.#options.consumer.seek({ topic, partition, offset: progress });
      }
    }
  }

  /**
   * Whether a batch starting at `firstOffset` may be applied now. If the partition's next offset (the
   * progress in Redis, or this instance's last apply) is elsewhere, seeks there and answers false:
   * seeking back replays records Redis lost or never got; seeking forward skips records it has.
   */
  async check(topic: string, partition: number, firstOffset: string): Promise<boolean> {
    const key = `${topic}:${partition}`;
    let expected = this.#expected.get(key);
    if (expected === undefined) {
      // No progress recorded (a fresh namespace, or Redis lost it): from the start of the partition.
      // The topic keeps every record; what Redis already has is refused as duplicates (within the
      // de-duplication window, which covers whatever a lost progress record can have left behind).
      expected = (await this.#options.progressOf(topic, partition)) ?? '0';
      this.#expected.set(key, expected);
    }
    if (BigInt(expected) === BigInt(firstOffset)) return true;
    const seeks = this.#sought.get(`${key}@${expected}`) ?? 0;
    if (seeks >= SEEKS_BEFORE_GAP && BigInt(firstOffset) > BigInt(expected)) {
      this.#options.logger.warn(
        { topic, partition, expected, firstOffset },
        'records before the batch no longer exist',
      );
      return true;
    }
    this.#sought.set(`${key}@${expected}`, seeks + 1);
    this.#options.logger.info(
      { topic, partition, from: firstOffset, to: expected },
      'resuming from the progress in Redis',
    );
    this.#options.consumer.seek({ topic, partition, offset: expected });
    return false;
  }
}
