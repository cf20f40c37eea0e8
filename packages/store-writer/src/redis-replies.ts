import type { ChainableCommander } from 'ioredis';
import { redisFailure, StoreUnavailableError } from '@mesh-momentum/common';
import { execPerNode, type PipelineReply, type RedisClient, type RoutedCommand } from '@mesh-momentum/store';

/** Reply `i` of a pipeline, or the error it stands for (a missing reply is a broken round trip). */
export function replyAt(replies: readonly PipelineReply[], i: number, what: string): unknown {
  const entry = replies[i];
  if (!entry) throw new StoreUnavailableError(`${what}: reply ${i} missing from the pipeline`);
  const [error, value] = entry;
  if (error) throw redisFailure(error, what);
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
    throw redisFailure(error, 'redis pipeline failed');
  }
}

/** One pipeline's replies, a failed round trip classified. */
export async function execPipeline(pipeline: ChainableCommander): Promise<[Error | null, unknown][]> {
  let replies: [Error | null, unknown][] | null;
  try {
    replies = await pipeline.exec();
  } catch (error) {
    throw redisFailure(error, 'redis pipeline failed');
  }
  if (!replies) throw new StoreUnavailableError('redis pipeline returned no replies');
  return replies;
}
