import type { ChainableCommander } from 'ioredis';
import { redisFailure, StoreUnavailableError } from '@mesh-momentum/common';
import { execPerNode, type PipelineReply, type RedisClient, type RoutedCommand } from '@mesh-momentum/store';

/**
 * The error a failed reply stands for, by the one classification of Redis failures (`redisFailure` of
 * `@mesh-momentum/common`): a passing state (memory full, replica, loading, failover, cluster moving, a
 * lost connection) is MM_ERR_STORE_UNAVAILABLE and the batch is retried; anything else a command or
 * script answers with (a script bug, a wrong type) is MM_ERR_STORE_REPLY: retrying would loop
 * forever, so it stops the consumer loudly.
 */
export function replyError(error: unknown, what: string): Error {
  return redisFailure(error, what);
}

/** Reply `i` of a pipeline, or the error it stands for (a missing reply is a broken round trip). */
export function replyAt(replies: readonly PipelineReply[], i: number, what: string): unknown {
  const entry = replies[i];
  if (!entry) throw new StoreUnavailableError(`${what}: reply ${i} missing from the pipeline`);
  const [error, value] = entry;
  if (error) throw replyError(error, what);
  return value;
}

/** `execPerNode` (one pipeline per Redis or cluster node), a failed round trip classified. */
export async function execRouted(
  redis: RedisClient,
  commands: readonly RoutedCommand[],
): Promise<PipelineReply[]> {
  try {
    return await execPerNode(redis, commands);
  } catch (error) {
    throw replyError(error, 'redis pipeline failed');
  }
}

/** One pipeline's replies, a failed round trip classified. */
export async function execPipeline(pipeline: ChainableCommander): Promise<[Error | null, unknown][]> {
  let replies: [Error | null, unknown][] | null;
  try {
    replies = await pipeline.exec();
  } catch (error) {
    throw replyError(error, 'redis pipeline failed');
  }
  if (!replies) throw new StoreUnavailableError('redis pipeline returned no replies');
  return replies;
}
