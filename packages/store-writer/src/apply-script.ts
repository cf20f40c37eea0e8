import type { ChainableCommander, Result } from 'ioredis';
import { keys, type KeySpace, type RedisClient, type RoutedCommand } from '@mesh-momentum/store';
import type { DomainBatchPlan } from './domain-batch-plan.ts';
import { SCRIPTS, SCRIPT_STATUS } from './scripts.ts';

/** The apply script's reply: its status, then (DUPLICATES) the indexes of the events already recorded. */
type ApplyReply = number[];

declare module 'ioredis' {
  interface RedisCommander<Context> {
    mmApplyDomainBatch(numKeys: number, ...args: (string | number)[]): Result<ApplyReply, Context>;
  }
}

/** What one call of the apply script did with its domain's batch (see lua/apply-domain-batch.lua). */
export type ApplyOutcome =
  | { readonly status: 'applied' }
  /** The partition is owned by a newer assignment than the batch's epoch: nothing was written. */
  | { readonly status: 'fenced' }
  /** Redis holds another version of the domain than the mirror planned from: nothing was written. */
  | { readonly status: 'stale' }
  /** Events (by index in the batch) already recorded as applied: nothing was written. */
  | { readonly status: 'duplicates'; readonly indexes: ReadonlySet<number> };

/** Registers the apply script on a client, once per client (ioredis then calls it by SHA). */
export function defineApplyScript(redis: RedisClient): void {
  if (typeof (redis as { mmApplyDomainBatch?: unknown }).mmApplyDomainBatch !== 'function') {
    redis.defineCommand('mmApplyDomainBatch', { lua: SCRIPTS.applyDomainBatch.lua });
  }
}

/**
 * One call of the apply script for a planned batch; its keys all carry the domain's hash tag (one
 * slot). The script announces the domain's changes on the namespace's changes channel.
 */
export function applyCommand(
  keySpace: KeySpace,
  plan: Pick<DomainBatchPlan, 'keys' | 'payload'>,
): RoutedCommand {
  const scriptKeys = plan.keys;
  const channel = keys.changesChannel(keySpace);
  return {
    key: scriptKeys[0] ?? channel,
    queue: (pipeline: ChainableCommander) =>
      pipeline.mmApplyDomainBatch(scriptKeys.length, ...scriptKeys, plan.payload, channel),
  };
}

/** The outcome a successful reply of the apply script stands for. */
export function applyOutcomeOf(reply: unknown): ApplyOutcome {
  const [status, ...rest] = reply as ApplyReply;
  if (status === SCRIPT_STATUS.FENCED) return { status: 'fenced' };
  if (status === SCRIPT_STATUS.STALE) return { status: 'stale' };
  if (status === SCRIPT_STATUS.DUPLICATES) return { status: 'duplicates', indexes: new Set(rest) };
  return { status: 'applied' };
}
