import type { ChainableCommander } from 'ioredis';
import { StoreReplyError, StoreUnavailableError } from '@mesh-momentum/common';
import { execPerNode, type PipelineReply, type RedisClient, type RoutedCommand } from '@mesh-momentum/store';

/**
 * Redis replies that mean "try again later" (memory full, replica, loading, failover, cluster moving).
 * Anything else a command or script answers with (a script bug, a wrong type) is not transient: retrying
 * would loop forever, so it surfaces as MM_ERR_STORE_REPLY and stops the consumer loudly.
 */
const TRANSIENT_REPLY = /^(OOM|READONLY|LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|NOREPLICAS|MOVED|ASK)\b/;

/** The error a failed reply stands for: retriable when Redis may answer differently later. */
export function replyError(error: Error, what: string): Error {
  const isReplyError = error.name === 'ReplyError';
  if (isReplyError && !TRANSIENT_REPLY.test(error.message)) {
    return new StoreReplyError(`${what}: ${error.message}`, { cause: error });
  }
  return new StoreUnavailableError(`${what}: ${error.message}`, { cause: error });
}

/** Reply `i` of a pipeline, or the error it stands for (a missing reply is a broken round trip). */
export function replyAt(replies: readonly PipelineReply[], i: number, what: string): unknown {
  const entry = replies[i];
  if (!entry) throw new StoreUnavailableError(`${what}: reply ${i} missing from the pipeline`);
  const [error, value] = entry;
  if (error) throw replyError(error, what);
  return value;
}

/** `execPerNode` (one pipeline per Redis or cluster node), a failed round trip as a retriable error. */
export async function execRouted(
  redis: RedisClient,
  commands: readonly RoutedCommand[],
): Promise<PipelineReply[]> {
  try {
    return await execPerNode(redis, commands);
  } catch (error) {
    throw new StoreUnavailableError(`redis pipeline failed: ${(error as Error).message}`, { cause: error });
  }
}

/** One pipeline's replies, a failed round trip as a retriable error. */
export async function execPipeline(pipeline: ChainableCommander): Promise<[Error | null, unknown][]> {
  let replies: [Error | null, unknown][] | null;
  try {
    replies = await pipeline.exec();
  } catch (error) {
    throw new StoreUnavailableError(`redis pipeline failed: ${(error as Error).message}`, { cause: error });
  }
  if (!replies) throw new StoreUnavailableError('redis pipeline returned no replies');
  return replies;
}
