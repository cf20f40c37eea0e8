import { describe, expect, it } from 'vitest';
import { decideBatch } from './batch-policy.ts';

const policy = { maxBatchSize: 100, maxBatchBytes: 10_000, lingerMs: 20 };
const state = { queued: 1, queuedBytes: 100, oldestEnqueuedAtMs: 1_000, flushRequested: false };

describe('decideBatch', () => {
  it('is idle with nothing queued, even when a flush waits', () => {
    expect(decideBatch(policy, { ...state, queued: 0, oldestEnqueuedAtMs: undefined }, 5_000)).toEqual({
      action: 'idle',
    });
    expect(
      decideBatch(policy, { ...state, queued: 0, oldestEnqueuedAtMs: undefined, flushRequested: true }, 0),
    ).toEqual({ action: 'idle' });
  });

  it('waits for the rest of the linger time while the batch is small and young', () => {
    expect(decideBatch(policy, state, 1_005)).toEqual({ action: 'wait', delayMs: 15 });
  });

  it('sends when the oldest event lingered long enough', () => {
    expect(decideBatch(policy, state, 1_020)).toEqual({ action: 'send' });
  });

  it('sends a full batch at once, by count or by bytes', () => {
    expect(decideBatch(policy, { ...state, queued: 100 }, 1_000)).toEqual({ action: 'send' });
    expect(decideBatch(policy, { ...state, queuedBytes: 10_000 }, 1_000)).toEqual({ action: 'send' });
  });

  it('ignores linger while a flush or close waits, and with lingerMs 0', () => {
    expect(decideBatch(policy, { ...state, flushRequested: true }, 1_000)).toEqual({ action: 'send' });
    expect(decideBatch({ ...policy, lingerMs: 0 }, state, 1_000)).toEqual({ action: 'send' });
  });
});
