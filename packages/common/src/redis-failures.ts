import { MeshMomentumError, StoreReplyError, StoreUnavailableError } from './errors.ts';

/**
 * The one classification of a failed Redis call, for every writer and reader of ours (the store
 * writer, the readers of `@mesh-momentum/store`, the dashboard, the alerter, the ingest gateway).
 *
 * - `transient`: Redis may answer differently later, so the caller retries or answers 503
 *   (MM_ERR_STORE_UNAVAILABLE): the connection is down, closed or timed out (ioredis' own errors and
 *   Node's socket errors), or Redis answered with a reply that names a passing state (TRANSIENT_REPLY).
 * - `permanent`: Redis answered, and will answer the same again (a key of the wrong type, a script
 *   error, a command or slot it refuses: MM_ERR_STORE_REPLY). Retrying would loop forever.
 *
 * Errors that are ours, not Redis' (a MeshMomentumError, or a TypeError/SyntaxError of the code around
 * the call), are never classified: `redisFailure` passes them on unchanged.
 */
export type RedisFailureKind = 'transient' | 'permanent';

/**
 * Error replies that mean "try again later": memory full (OOM), a replica or a master being switched
 * (READONLY, MASTERDOWN, NOREPLICAS), a restart reading its data (LOADING), a busy script (BUSY), a
 * cluster moving slots or failing over (CLUSTERDOWN, TRYAGAIN, MOVED, ASK), a failing disk that stops
 * writes (MISCONF), and a full connection table. Any other reply is permanent.
 */
const TRANSIENT_REPLY =
  /^(OOM|READONLY|LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|NOREPLICAS|MOVED|ASK|MISCONF)\b|^ERR max number of clients reached/;

/** Errors thrown by the code around a Redis call (a bug, bad JSON read back), not by Redis. */
const OWN_ERRORS: readonly (abstract new (...args: never[]) => Error)[] = [
  TypeError,
  SyntaxError,
  RangeError,
  ReferenceError,
];

/** An error reply of Redis (ioredis' `ReplyError`; a script's `redis.error_reply` arrives as one too). */
function isReplyError(error: Error): boolean {
  return error.name === 'ReplyError';
}

/** Whether a failed Redis call may succeed later. */
export function redisFailureKind(error: unknown): RedisFailureKind {
  if (error instanceof Error && isReplyError(error) && !TRANSIENT_REPLY.test(error.message)) {
    return 'permanent';
  }
  return 'transient';
}

/**
 * The coded error a failed Redis call stands for: StoreUnavailableError (retriable, 503) when
 * transient, StoreReplyError (not retriable) when permanent. `what` says what failed, for the message
 * ("reading the targets"). Our own errors pass through unchanged.
 */
export function redisFailure(error: unknown, what: string): Error {
  if (error instanceof MeshMomentumError) return error;
  if (OWN_ERRORS.some((kind) => error instanceof kind)) return error as Error;
  const message = `${what}: ${error instanceof Error ? error.message : String(error)}`;
  return redisFailureKind(error) === 'permanent'
    ? new StoreReplyError(message, { cause: error })
    : new StoreUnavailableError(message, { cause: error });
}

/** Runs Redis work; a failure is thrown as `redisFailure(error, what)`. */
export async function redisCall<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw redisFailure(error, what);
  }
}
