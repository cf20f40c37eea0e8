/**
 * When to send the next batch, as a pure function of the queue's state and the clock, so the policy is
 * tested without Kafka or timers. A batch goes out as soon as it is full (by count or bytes), when its
 * oldest event has lingered `lingerMs`, or at once while someone waits for a flush.
 */

export interface BatchPolicy {
  /** Send when this many events are queued. */
  readonly maxBatchSize: number;
  /** Send when the queued events reach this many bytes. */
  readonly maxBatchBytes: number;
  /** Longest time an event waits for companions before its batch is sent. */
  readonly lingerMs: number;
}

export interface QueueState {
  readonly queued: number;
  readonly queuedBytes: number;
  /** When the oldest queued event was enqueued (clock ms); undefined when nothing is queued. */
  readonly oldestEnqueuedAtMs: number | undefined;
  /** A flush() or close() is waiting: linger no longer applies. */
  readonly flushRequested: boolean;
}

export type BatchDecision =
  | { readonly action: 'idle' }
  | { readonly action: 'send' }
  | { readonly action: 'wait'; readonly delayMs: number };

export function decideBatch(policy: BatchPolicy, state: QueueState, nowMs: number): BatchDecision {
  if (state.queued === 0 || state.oldestEnqueuedAtMs === undefined) return { action: 'idle' };
  if (state.flushRequested) return { action: 'send' };
  if (state.queued >= policy.maxBatchSize || state.queuedBytes >= policy.maxBatchBytes) {
    return { action: 'send' };
  }
  const waitedMs = nowMs - state.oldestEnqueuedAtMs;
  if (waitedMs >= policy.lingerMs) return { action: 'send' };
  return { action: 'wait', delayMs: policy.lingerMs - waitedMs };
}
