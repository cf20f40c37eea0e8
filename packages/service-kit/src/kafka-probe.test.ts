import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cachedProbe } from './kafka-probe.ts';

/** An attempt the test settles by hand, counting how often it was started. */
function controlledAttempt() {
  const settle: ((ok: boolean) => void)[] = [];
  const attempt = () => new Promise<boolean>((resolve) => settle.push(resolve));
  return {
    attempt,
    settle,
    get started() {
      return settle.length;
    },
  };
}

describe('cachedProbe', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reuses an answer for ttlMs, then asks again and follows the new answer', async () => {
    const control = controlledAttempt();
    const probe = cachedProbe(control.attempt, { timeoutMs: 1_000, ttlMs: 5_000, clock: Date.now });
    const first = probe();
    control.settle[0]?.(true);
    await expect(first).resolves.toBe(true);
    await vi.advanceTimersByTimeAsync(4_999);
    await expect(probe()).resolves.toBe(true);
    expect(control.started).toBe(1);

    await vi.advanceTimersByTimeAsync(1);
    const second = probe();
    expect(control.started).toBe(2);
    control.settle[1]?.(false);
    await expect(second).resolves.toBe(false);
  });

  it('answers no within timeoutMs when the attempt hangs, and starts no second attempt while it runs', async () => {
    const control = controlledAttempt();
    const probe = cachedProbe(control.attempt, { timeoutMs: 1_000, ttlMs: 2_000, clock: Date.now });
    const waiting = probe();
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(waiting).resolves.toBe(false);
    // Past the ttl the hung attempt is still running: joined, not repeated.
    await vi.advanceTimersByTimeAsync(2_000);
    const again = probe();
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(again).resolves.toBe(false);
    expect(control.started).toBe(1);

    // It finally answers: that answer counts, and the next expiry starts a fresh attempt.
    control.settle[0]?.(true);
    await vi.advanceTimersByTimeAsync(0);
    await expect(probe()).resolves.toBe(true);
    await vi.advanceTimersByTimeAsync(2_000);
    void probe();
    expect(control.started).toBe(2);
  });

  it('counts a failing attempt as no', async () => {
    const probe = cachedProbe(() => Promise.reject(new Error('refused')), { timeoutMs: 1_000, ttlMs: 1 });
    await expect(probe()).resolves.toBe(false);
  });
});
