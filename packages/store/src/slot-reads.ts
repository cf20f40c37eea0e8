import type { ChainableCommander, Cluster, Redis } from 'ioredis';
import { redisFailure } from '@mesh-momentum/common';

/**
 * The client a reader passes in: a plain ioredis client or an ioredis `Cluster`. The reader only
 * reads, and only in pipelines whose keys share one hash tag, so either works.
 */
export type ReadClient = Redis | Cluster;

/**
 * One queued command's reply, available after `SlotReads.run()`; reading it throws its error as
 * classified by `redisFailure` (MM_ERR_STORE_UNAVAILABLE while Redis is unreachable, MM_ERR_STORE_REPLY
 * for a reply retrying cannot change).
 */
export interface Reply<T> {
  readonly value: T;
}

interface Queued {
  readonly add: (pipeline: ChainableCommander) => unknown;
  result?: { error: Error | null; value: unknown };
}

/**
 * Read commands grouped by hash tag (`{<domain>}` or `{mesh}`): `run()` sends one pipeline per tag, all
 * at once, so a read of many scopes costs one round trip (a plain client writes the pipelines back to
 * back on one connection; a Cluster sends each to the node owning its slot, in parallel). A pipeline
 * never mixes tags, so it never crosses slots.
 */
export class SlotReads {
  readonly #client: ReadClient;
  readonly #groups = new Map<string, Queued[]>();

  constructor(client: ReadClient) {
    this.#client = client;
  }

  /** Queues one command for keys tagged `tag`; `add` must add exactly one command. */
  queue<T>(tag: string, add: (pipeline: ChainableCommander) => unknown): Reply<T> {
    const entry: Queued = { add };
    let group = this.#groups.get(tag);
    if (!group) this.#groups.set(tag, (group = []));
    group.push(entry);
    return {
      get value(): T {
        if (!entry.result) throw new Error('SlotReads: reply read before run()');
        if (entry.result.error) throw redisFailure(entry.result.error, 'reading the store');
        return entry.result.value as T;
      },
    };
  }

  get size(): number {
    let n = 0;
    for (const group of this.#groups.values()) n += group.length;
    return n;
  }

  /** Sends every queued command; afterwards each `Reply` holds its value or error. */
  async run(): Promise<void> {
    const groups = [...this.#groups.values()];
    this.#groups.clear();
    await Promise.all(
      groups.map(async (group) => {
        const pipeline = this.#client.pipeline();
        for (const q of group) q.add(pipeline);
        let replies: [Error | null, unknown][] | null;
        try {
          replies = await pipeline.exec();
        } catch (error) {
          for (const q of group) q.result = { error: error as Error, value: undefined };
          return;
        }
        for (const [i, q] of group.entries()) {
          const [error, value] = replies?.[i] ?? [new Error('no reply from Redis'), undefined];
          q.result = { error, value };
        }
      }),
    );
  }
}
