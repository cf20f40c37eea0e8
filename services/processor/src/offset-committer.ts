import type { Consumer } from 'kafkajs';
import type { Logger } from '@mesh-momentum/common';

/**
 * Commits the consumer group's offsets off the batch path. Redis's progress record, written with every
 * batch, is where an assigned partition resumes, so the group's offsets only serve lag tools and
 * `kafka-consumer-groups`; awaiting a commit per batch cost 7–130 ms of every batch on this machine.
 * The latest offset per partition is kept and committed at most once per interval, and on `flush()`.
 * (kafkajs' own autoCommit commits after every eachBatch call regardless of its interval.)
 */
export class OffsetCommitter {
  readonly #consumer: Consumer;
  readonly #log: Logger;
  readonly #pending = new Map<string, { topic: string; partition: number; offset: string }>();
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> = Promise.resolve();
  /** Bumped by clear(): a failed commit from before it is not retried for partitions that moved. */
  #generation = 0;

  constructor(consumer: Consumer, logger: Logger, intervalMs: number) {
    this.#consumer = consumer;
    this.#log = logger;
    this.#timer = setInterval(() => void this.flush(), intervalMs);
    this.#timer.unref();
  }

  /** Notes that everything before `offset` of the partition is applied (or dead-lettered). */
  note(topic: string, partition: number, offset: string): void {
    this.#pending.set(`${topic}:${partition}`, { topic, partition, offset });
  }

  /** Forgets what is not committed yet (the partitions may belong to another member now). */
  clear(): void {
    this.#pending.clear();
    this.#generation += 1;
  }

  /** Commits what is pending; a failed commit is logged and retried with the next flush. */
  flush(): Promise<void> {
    this.#inFlight = this.#inFlight.then(async () => {
      if (this.#pending.size === 0) return;
      const offsets = [...this.#pending.values()];
      const generation = this.#generation;
      this.#pending.clear();
      try {
        await this.#consumer.commitOffsets(offsets);
      } catch (error) {
        if (generation !== this.#generation) return;
        for (const o of offsets) {
          const key = `${o.topic}:${o.partition}`;
          if (!this.#pending.has(key)) this.#pending.set(key, o);
        }
        this.#log.warn({ err: error }, 'committing offsets to the consumer group failed; retrying later');
      }
    });
    return this.#inFlight;
  }

  /** Commits what is pending and stops the timer. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }
}
