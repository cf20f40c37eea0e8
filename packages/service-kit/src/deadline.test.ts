import { describe, expect, it, vi } from 'vitest';
import { withDeadline } from './deadline.ts';

describe('withDeadline', () => {
  it('passes the result of work that finishes in time', async () => {
    await expect(withDeadline(Promise.resolve(7), 1_000, () => new Error('late'))).resolves.toBe(7);
  });

  it('passes the failure of work that fails in time', async () => {
    const failing = Promise.reject(new Error('boom'));
    await expect(withDeadline(failing, 1_000, () => new Error('late'))).rejects.toThrow('boom');
  });

  it('rejects with the chosen error when the work never settles', async () => {
    vi.useFakeTimers();
    try {
      const waiting = withDeadline(new Promise<never>(() => undefined), 5_000, () => new Error('late'));
      const outcome = expect(waiting).rejects.toThrow('late');
      await vi.advanceTimersByTimeAsync(4_999);
      let settled = false;
      void waiting.catch(() => (settled = true));
      await Promise.resolve();
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await outcome;
    } finally {
      vi.useRealTimers();
    }
  });
});
