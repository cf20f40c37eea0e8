import { describe, expect, it } from 'vitest';
import { createLogger } from '@mesh-momentum/common';
import { PartitionPositions } from './partition-positions.ts';

function positions(progress: Record<string, string>) {
  const seeks: { topic: string; partition: number; offset: string }[] = [];
  const tracker = new PartitionPositions({
    consumer: { seek: (target) => void seeks.push(target) },
    progressOf: async (topic, partition) => progress[`${topic}:${partition}`],
    logger: createLogger({ name: 'test', level: 'silent' }),
  });
  return { tracker, seeks };
}

describe('PartitionPositions', () => {
  it('applies a batch that starts at the progress Redis recorded, and seeks there otherwise', async () => {
    const { tracker, seeks } = positions({ 'events:0': '40' });
    expect(await tracker.check('events', 0, '40')).toBe(true);
    expect(await tracker.check('events', 0, '55')).toBe(false);
    expect(seeks).toEqual([{ topic: 'events', partition: 0, offset: '40' }]);
  });

  it('starts a partition without recorded progress from offset 0', async () => {
    const { tracker } = positions({});
    expect(await tracker.check('events', 1, '0')).toBe(true);
    expect(await tracker.check('events', 1, '7')).toBe(false);
  });

  it('accepts a gap (records deleted below the log start) only after repeated seeks to the same offset', async () => {
    const { tracker, seeks } = positions({ 'events:0': '10' });
    for (let i = 0; i < 5; i++) expect(await tracker.check('events', 0, '20')).toBe(false);
    expect(await tracker.check('events', 0, '20')).toBe(true);
    expect(seeks).toHaveLength(5);
  });

  it('forgets everything and bumps the generation on reset; advance moves the next offset', async () => {
    const { tracker } = positions({ 'events:0': '10' });
    expect(await tracker.check('events', 0, '10')).toBe(true);
    tracker.advance('events', 0, '25');
    expect(tracker.next('events', 0)).toBe('25');
    const before = tracker.generation;
    tracker.reset();
    expect(tracker.generation).toBe(before + 1);
    expect(tracker.next('events', 0)).toBeUndefined();
  });

  it('counts an apply as progress only past the furthest offset applied before, across resets', async () => {
    const { tracker } = positions({});
    expect(tracker.applied('events', 0, '50')).toBe(true);
    expect(tracker.next('events', 0)).toBe('50');
    tracker.reset();
    // Replayed after a rebalance: the same records again, then further.
    expect(tracker.applied('events', 0, '30')).toBe(false);
    expect(tracker.applied('events', 0, '50')).toBe(false);
    expect(tracker.applied('events', 0, '51')).toBe(true);
    expect(tracker.applied('events', 1, '1')).toBe(true);
  });

  it('repositions every assigned partition at the progress Redis still has', async () => {
    const { tracker, seeks } = positions({ 'events:0': '3', 'events:2': '9' });
    await tracker.reposition({ events: [0, 2, 4] });
    expect(seeks).toEqual([
      { topic: 'events', partition: 0, offset: '3' },
      { topic: 'events', partition: 2, offset: '9' },
      { topic: 'events', partition: 4, offset: '0' },
    ]);
    expect(tracker.next('events', 2)).toBe('9');
  });
});
