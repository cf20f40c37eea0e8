import calculateSlot from 'cluster-key-slot';
import type { ChainableCommander, Cluster, Redis } from 'ioredis';

/**
 * The client every reader and writer of ours takes: a single Redis or a Redis Cluster. Both offer the
 * same commands; what differs is how several commands travel together (a cluster pipeline must stay
 * within one node's slots: `execPerNode`) and how every key is found (`scanKeys` scans every master).
 * Types only from ioredis: the caller passes the client in, this package never loads ioredis.
 */
export type RedisClient = Redis | Cluster;

export function isCluster(client: RedisClient): client is Cluster {
  return client.isCluster;
}

/** The Redis Cluster slot of a key (hash tag aware: `a:{x}:b` and `{x}` share a slot), 0..16383. */
export function slotOf(key: string): number {
  return calculateSlot(key);
}

/** One command of a pipeline: the key that routes it and how to queue it on a pipeline. */
export interface RoutedCommand {
  readonly key: string;
  readonly queue: (pipeline: ChainableCommander) => void;
}

export type PipelineReply = [Error | null, unknown];

/**
 * Sends commands in as few round trips as the client allows and returns their replies in the order
 * given. A single Redis gets one pipeline. A cluster gets one pipeline per node (the commands grouped
 * by the nodes serving their slots, as ioredis requires), all sent at once; each command's own keys
 * must share a slot (the contract's hash tags see to it). A command that fails answers with its error,
 * as in ioredis' `exec`; on a cluster, so does every command of a node whose pipeline failed as a whole
 * (the node is down), while the other nodes' replies stand. A single Redis's failed pipeline rejects.
 */
export async function execPerNode(
  client: RedisClient,
  commands: readonly RoutedCommand[],
): Promise<PipelineReply[]> {
  if (commands.length === 0) return [];
  if (!isCluster(client)) {
    const pipeline = client.pipeline();
    for (const c of commands) c.queue(pipeline);
    return checked(await pipeline.exec());
  }
  // The slot map arrives with the connection (lazyConnect): a first command connects the client.
  if (client.slots.length === 0) await client.ping();
  const groups = new Map<string, number[]>();
  for (const [index, c] of commands.entries()) {
    const slot = slotOf(c.key);
    // The node list serving the slot (master first); before the slot map is known, the slot itself.
    const group = client.slots[slot]?.join(';') ?? `slot:${slot}`;
    const members = groups.get(group);
    if (members) members.push(index);
    else groups.set(group, [index]);
  }
  const replies: PipelineReply[] = new Array<PipelineReply>(commands.length);
  // Settled, not raced: when one node fails, the others' pipelines have finished (nothing of ours is
  // still in flight when this returns) and their replies count; the failed node's commands answer
  // with its error.
  await Promise.allSettled(
    [...groups.values()].map(async (indexes) => {
      const pipeline = client.pipeline();
      for (const i of indexes) commands[i]?.queue(pipeline);
      try {
        const answered = checked(await pipeline.exec());
        for (const [n, i] of indexes.entries()) {
          replies[i] = answered[n] ?? [new Error('missing reply'), undefined];
        }
      } catch (error) {
        for (const i of indexes) replies[i] = [error as Error, undefined];
      }
    }),
  );
  return replies;
}

function checked(replies: PipelineReply[] | null): PipelineReply[] {
  if (!replies) throw new Error('redis pipeline returned no replies');
  return replies;
}

/**
 * Every key matching `match` (SCAN, never KEYS), on every master of a cluster: a cluster's SCAN only
 * walks the node it is sent to. Yields batches of keys that share a slot, so a caller may UNLINK each
 * batch in one command.
 */
export async function* scanKeys(client: RedisClient, match: string, count = 1000): AsyncGenerator<string[]> {
  // A cluster client knows its nodes only once connected (lazyConnect): a first command connects it.
  if (isCluster(client) && client.nodes('master').length === 0) await client.ping();
  const nodes = isCluster(client) ? client.nodes('master') : [client];
  for (const node of nodes) {
    for await (const batch of node.scanStream({ match, count }) as AsyncIterable<string[]>) {
      if (batch.length === 0) continue;
      if (!isCluster(client)) {
        yield batch;
        continue;
      }
      const bySlot = new Map<number, string[]>();
      for (const key of batch) {
        const slot = slotOf(key);
        const same = bySlot.get(slot);
        if (same) same.push(key);
        else bySlot.set(slot, [key]);
      }
      yield* bySlot.values();
    }
  }
}

/** Deletes every key matching `match` on every master (SCAN + UNLINK per slot); returns how many. */
export async function unlinkMatching(client: RedisClient, match: string): Promise<number> {
  let deleted = 0;
  for await (const batch of scanKeys(client, match)) deleted += await client.unlink(...batch);
  return deleted;
}
