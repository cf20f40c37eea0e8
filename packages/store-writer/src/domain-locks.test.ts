import { describe, expect, it } from 'vitest';
import { DomainLocks } from './domain-locks.ts';

/** A promise and the function that settles it, so a test decides when work finishes. */
function gate(): { open: () => void; opened: Promise<void> } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('DomainLocks', () => {
  it('runs work on a domain only after earlier work on any of its domains has finished', async () => {
    const locks = new DomainLocks();
    const order: string[] = [];
    const first = gate();
    const a = locks.run(['a', 'b'], async () => {
      order.push('ab starts');
      await first.opened;
      order.push('ab ends');
    });
    const b = locks.run(['b'], async () => {
      order.push('b runs');
    });
    const c = locks.run(['c'], async () => {
      order.push('c runs');
    });
    await c;
    expect(order).toEqual(['ab starts', 'c runs']);
    expect(locks.isBusy('b')).toBe(true);
    first.open();
    await Promise.all([a, b]);
    expect(order).toEqual(['ab starts', 'c runs', 'ab ends', 'b runs']);
    expect(['a', 'b', 'c'].map((d) => locks.isBusy(d))).toEqual([false, false, false]);
  });

  it('releases a domain when its work fails, and passes the failure on', async () => {
    const locks = new DomainLocks();
    await expect(locks.run(['a'], () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(locks.isBusy('a')).toBe(false);
    await expect(locks.run(['a'], () => Promise.resolve(42))).resolves.toBe(42);
  });
});
