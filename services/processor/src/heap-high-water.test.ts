import { describe, expect, it } from 'vitest';
import { createLogger } from '@mesh-momentum/common';
import {
  HeapHighWater,
  HIGH_WATER_SHARE,
  LOW_WATER_SHARE,
  MAX_PAUSE_MS,
  RSS_HIGH_WATER_SHARE,
  RSS_LOW_WATER_SHARE,
} from './heap-high-water.ts';

const LIMIT = 1_000_000;
const BUDGET = 4_000_000;

function watched() {
  const state = { used: 0, rss: 0, nowMs: 0, calls: [] as string[] };
  const guard = new HeapHighWater({
    pause: () => state.calls.push('pause'),
    resume: () => state.calls.push('resume'),
    logger: createLogger({ name: 'test', level: 'silent' }),
    heap: () => ({ used: state.used, limit: LIMIT }),
    resident: { bytes: BUDGET, rss: () => state.rss },
    clock: () => state.nowMs,
  });
  return { state, guard };
}

describe('HeapHighWater', () => {
  // The JS heap against its limit, and the resident set against the budget (however small the heap).
  it.each([
    { reading: 'used', of: LIMIT, high: HIGH_WATER_SHARE, low: LOW_WATER_SHARE },
    { reading: 'rss', of: BUDGET, high: RSS_HIGH_WATER_SHARE, low: RSS_LOW_WATER_SHARE },
  ] as const)(
    'pauses fetching once $reading reaches its high-water mark and resumes under its low-water mark',
    ({ reading, of, high, low }) => {
      const { state, guard } = watched();
      state[reading] = high * of - 1;
      guard.check();
      expect(state.calls).toEqual([]);
      state[reading] = high * of;
      guard.check();
      guard.check();
      expect(state.calls).toEqual(['pause']);
      expect(guard.paused).toBe(true);
      // Between the marks: stays paused.
      state[reading] = low * of;
      state.nowMs += 10;
      guard.check();
      expect(state.calls).toEqual(['pause']);
      state[reading] = low * of - 1;
      guard.check();
      expect(state.calls).toEqual(['pause', 'resume']);
      expect(guard.paused).toBe(false);
    },
  );

  it('resumes after the longest pause even if the heap still reads high', () => {
    const { state, guard } = watched();
    state.used = LIMIT;
    guard.check();
    state.nowMs += MAX_PAUSE_MS - 1;
    guard.check();
    expect(state.calls).toEqual(['pause']);
    state.nowMs += 1;
    guard.check();
    expect(state.calls).toEqual(['pause', 'resume']);
    // Still high: pauses again at the next reading.
    guard.check();
    expect(state.calls).toEqual(['pause', 'resume', 'pause']);
  });

  it('resumes fetching when stopped while paused, and only then', () => {
    const { state, guard } = watched();
    guard.stop();
    expect(state.calls).toEqual([]);
    state.used = LIMIT;
    guard.check();
    guard.stop();
    expect(state.calls).toEqual(['pause', 'resume']);
  });

  it('stops pausing on a resident set that pausing does not bring down, until it falls back', () => {
    const { state, guard } = watched();
    state.rss = RSS_HIGH_WATER_SHARE * BUDGET;
    guard.check();
    state.nowMs += MAX_PAUSE_MS;
    guard.check();
    expect(state.calls).toEqual(['pause', 'resume']);
    // Still high, but fetching was not what held it: no pause every other second.
    state.nowMs += 100;
    guard.check();
    expect(state.calls).toEqual(['pause', 'resume']);
    // The heap still pauses on its own mark.
    state.used = HIGH_WATER_SHARE * LIMIT;
    guard.check();
    expect(state.calls).toEqual(['pause', 'resume', 'pause']);
    state.used = 0;
    state.rss = RSS_LOW_WATER_SHARE * BUDGET - 1;
    guard.check();
    expect(state.calls).toEqual(['pause', 'resume', 'pause', 'resume']);
    // Back under its low mark once: the resident set pauses again.
    state.rss = RSS_HIGH_WATER_SHARE * BUDGET;
    guard.check();
    expect(state.calls).toEqual(['pause', 'resume', 'pause', 'resume', 'pause']);
  });
});
