import type { Redis, Result } from 'ioredis';
import { FencedWriteError, StoreUnavailableError } from '@mesh-momentum/common';
import { keys, type KeySpace } from './keys.ts';
import { SCRIPTS, SCRIPT_STATUS } from './scripts.ts';

/** One event as the apply script needs it. */
export interface EventToApply {
  readonly offset: string;
  /** `<source>|<id>`: the de-duplication key of the SPEC. */
  readonly dedupKey: string;
  readonly type: string;
}

export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  /** Fencing epoch taken when this instance was assigned the partition. */
  readonly epoch: number;
  readonly byDomain: ReadonlyMap<string, readonly EventToApply[]>;
}

export interface ApplyResult {
  readonly applied: number;
  readonly skipped: number;
}

type ApplyReply = [status: number, applied: number, skipped: number];

declare module 'ioredis' {
  interface RedisCommander<Context> {
    mmApplyDomainBatch(...args: (string | number)[]): Result<ApplyReply, Context>;
  }
}

/**
 * Writes the processor's effects into Redis. One Kafka batch becomes one pipeline holding one script
 * call per domain (each atomic on its own slot), so the batch costs one round trip however many
 * events it has.
 */
export class ScoreStore {
  readonly #redis: Redis;
  readonly #keySpace: KeySpace;

  constructor(redis: Redis, keySpace: KeySpace) {
    this.#redis = redis;
    this.#keySpace = keySpace;
    if (typeof (redis as { mmApplyDomainBatch?: unknown }).mmApplyDomainBatch !== 'function') {
      redis.defineCommand('mmApplyDomainBatch', {
        numberOfKeys: SCRIPTS.applyDomainBatch.numberOfKeys,
        lua: SCRIPTS.applyDomainBatch.lua,
      });
    }
  }

  get keySpace(): KeySpace {
    return this.#keySpace;
  }

  async applyPartitionBatch(batch: PartitionBatch): Promise<ApplyResult> {
    const pipeline = this.#redis.pipeline();
    const partitionField = `${batch.topic}:${batch.partition}`;
    for (const [domain, events] of batch.byDomain) {
      const args: (string | number)[] = [
        keys.domainProgress(this.#keySpace, domain),
        keys.domainSeenEvents(this.#keySpace, domain),
        keys.domainEventCounts(this.#keySpace, domain),
        partitionField,
        batch.epoch,
        events.length,
      ];
      for (const e of events) args.push(e.offset, e.dedupKey, e.type);
      pipeline.mmApplyDomainBatch(...args);
    }
    pipeline.sadd(keys.domains(this.#keySpace), ...batch.byDomain.keys());

    let replies: [Error | null, unknown][] | null;
    try {
      replies = await pipeline.exec();
    } catch (error) {
      throw new StoreUnavailableError(`redis pipeline failed: ${(error as Error).message}`, { cause: error });
    }
    if (!replies) throw new StoreUnavailableError('redis pipeline returned no replies');

    let applied = 0;
    let skipped = 0;
    for (const [error, reply] of replies.slice(0, batch.byDomain.size)) {
      if (error) throw new StoreUnavailableError(`apply script failed: ${error.message}`, { cause: error });
      const [status, a, s] = reply as ApplyReply;
      if (status === SCRIPT_STATUS.FENCED) {
        throw new FencedWriteError(
          batch.partition,
          `partition ${partitionField} is owned by a newer assignment than epoch ${batch.epoch}`,
        );
      }
      applied += a;
      skipped += s;
    }
    const last = replies[replies.length - 1];
    if (last?.[0])
      throw new StoreUnavailableError(`redis write failed: ${last[0].message}`, { cause: last[0] });
    return { applied, skipped };
  }

  /**
   * A new fencing epoch for a partition, taken when this instance is assigned it. Every later write
   * carries it; a domain refuses writes with an epoch older than the newest it has seen.
   */
  async takeEpoch(topic: string, partition: number): Promise<number> {
    return this.#redis.incr(keys.partitionEpoch(this.#keySpace, topic, partition));
  }

  async eventCounts(domain: string): Promise<Record<string, number>> {
    const raw = await this.#redis.hgetall(keys.domainEventCounts(this.#keySpace, domain));
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }
}
