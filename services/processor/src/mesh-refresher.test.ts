import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '@mesh-momentum/common';
import { MeshRefresher } from './mesh-refresher.ts';

const logger = createLogger({ name: 'test', level: 'silent' });

describe('MeshRefresher', () => {
  it('runs refreshes one after the other, never at once', async () => {
    let running = 0;
    let most = 0;
    const refresher = new MeshRefresher({
      refresh: async () => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
      },
      clock: () => 0,
      logger,
    });
    await Promise.all([refresher.now(1), refresher.now(2), refresher.now(3)]);
    expect(most).toBe(1);
  });

  it('a failed refresh rejects only its caller: no unhandled rejection, the next one runs', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const calls: number[] = [];
      const refresher = new MeshRefresher({
        refresh: async (asOf) => {
          calls.push(asOf);
          if (asOf === 1) throw new Error('redis down');
        },
        clock: () => 0,
        logger,
      });
      await expect(refresher.now(1)).rejects.toThrow('redis down');
      await refresher.now(2);
      await refresher.flush();
      await new Promise((r) => setImmediate(r));
      expect(calls).toEqual([1, 2]);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('coalesces the refreshes batches ask for into one, a second later; flush runs one still owed', async () => {
    vi.useFakeTimers();
    try {
      const calls: number[] = [];
      const refresher = new MeshRefresher({
        refresh: async (asOf) => void calls.push(asOf),
        clock: () => 42,
        logger,
      });
      refresher.schedule();
      refresher.schedule();
      await vi.advanceTimersByTimeAsync(999);
      expect(calls).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(calls).toEqual([42]);
      refresher.schedule();
      await refresher.flush();
      expect(calls).toEqual([42, 42]);
    } finally {
      vi.useRealTimers();
    }
  });
});
