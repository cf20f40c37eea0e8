import { describe, expect, it } from 'vitest';
import { DeliveryQueue } from './delivery-queue.ts';

interface Item {
  readonly sizeBytes: number;
  readonly id: number;
}
const item = (sizeBytes = 10, id = 0): Item => ({ sizeBytes, id });

describe('DeliveryQueue', () => {
  it('refuses pushes beyond capacity, counting in-flight items until they are released', () => {
    const q = new DeliveryQueue<Item>(2);
    expect(q.tryPush(item())).toBe(true);
    expect(q.tryPush(item())).toBe(true);
    expect(q.tryPush(item())).toBe(false);
    expect(q.take(10, 1_000)).toHaveLength(2);
    // Taken but not acknowledged: still holds the slots.
    expect(q.tryPush(item())).toBe(false);
    q.release(1);
    expect(q.tryPush(item())).toBe(true);
    expect(q.outstanding).toBe(2);
  });

  it('hands released slots to waiters in arrival order, and newcomers do not overtake them', async () => {
    const q = new DeliveryQueue<Item>(1);
    q.tryPush(item());
    const order: number[] = [];
    const first = q.waitForSpace().then(() => order.push(1));
    const second = q.waitForSpace().then(() => order.push(2));
    expect(q.waiting).toBe(2);
    q.take(1, 1_000);
    q.release(1);
    // The slot went to the first waiter: a fresh tryPush must not steal it.
    expect(q.tryPush(item())).toBe(false);
    await first;
    q.pushReserved(item());
    q.take(1, 1_000);
    q.release(1);
    await second;
    expect(order).toEqual([1, 2]);
    expect(q.outstanding).toBe(1);
  });

  it('takes batches bounded by count and bytes, but never leaves an oversized item behind', () => {
    const q = new DeliveryQueue<Item>(100);
    for (let i = 0; i < 5; i++) q.tryPush(item(40, i));
    expect(q.take(3, 1_000).map((i) => i.id)).toEqual([0, 1, 2]);
    expect(q.take(10, 50).map((i) => i.id)).toEqual([3]);
    expect(q.queuedBytes).toBe(40);
    q.tryPush(item(500, 9));
    expect(q.take(10, 50).map((i) => i.id)).toEqual([4]);
    expect(q.take(10, 50).map((i) => i.id)).toEqual([9]);
    expect(q.queued).toBe(0);
    expect(q.queuedBytes).toBe(0);
  });

  it('rejects waiters on demand and refuses to release more than it holds', async () => {
    const q = new DeliveryQueue<Item>(1);
    q.tryPush(item());
    const waiting = q.waitForSpace();
    q.rejectWaiters(new Error('closed'));
    await expect(waiting).rejects.toThrow('closed');
    expect(() => q.release(2)).toThrow(/released more slots/);
    expect(() => new DeliveryQueue<Item>(0)).toThrow(RangeError);
  });

  it('stays FIFO across many pushes and takes (lazy compaction)', () => {
    const q = new DeliveryQueue<Item>(20_000);
    for (let i = 0; i < 10_000; i++) q.tryPush(item(1, i));
    const seen: number[] = [];
    for (let round = 0; round < 7; round++) {
      for (const taken of q.take(997, 1e9)) seen.push(taken.id);
      for (let i = 0; i < 100; i++) q.tryPush(item(1, 10_000 + round * 100 + i));
    }
    while (q.queued > 0) for (const taken of q.take(1_000, 1e9)) seen.push(taken.id);
    expect(seen).toEqual([...Array(10_700).keys()]);
  });
});
