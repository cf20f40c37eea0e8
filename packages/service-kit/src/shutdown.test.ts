import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '@mesh-momentum/common';
import { installShutdown } from './shutdown.ts';

const logger = createLogger({ name: 'test', level: 'silent' });

function harness(steps: Parameters<typeof installShutdown>[0], timeoutMs = 1_000) {
  const signals = new EventEmitter();
  const exits: number[] = [];
  installShutdown(steps, {
    logger,
    timeoutMs,
    signals: signals as unknown as Pick<NodeJS.Process, 'on'>,
    exit: (code) => exits.push(code),
  });
  return { signals, exits };
}

describe('installShutdown', () => {
  it('runs every step in order, past a failing one, then exits 0', async () => {
    const order: string[] = [];
    const { signals, exits } = harness([
      ['a', async () => order.push('a')],
      ['b', async () => Promise.reject(new Error('b failed'))],
      ['c', async () => order.push('c')],
    ]);
    signals.emit('SIGTERM');
    await vi.waitFor(() => expect(exits).toEqual([0]));
    expect(order).toEqual(['a', 'c']);
  });

  it('exits 1 when a step never finishes within the bound', async () => {
    vi.useFakeTimers();
    try {
      const { signals, exits } = harness([['stuck', () => new Promise(() => undefined)]], 5_000);
      signals.emit('SIGTERM');
      await vi.advanceTimersByTimeAsync(4_999);
      expect(exits).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(exits).toEqual([1]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('exits at once on a second signal', async () => {
    const { signals, exits } = harness([['stuck', () => new Promise(() => undefined)]]);
    signals.emit('SIGTERM');
    signals.emit('SIGINT');
    expect(exits).toEqual([1]);
  });
});
