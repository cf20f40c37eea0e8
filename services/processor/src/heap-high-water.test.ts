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
  it('pauses fetching once at the high-water mark and resumes under the low-water mark', () => {
    const { state, guard } = watched();
    state.used = HIGH_WATER_SHARE * LIMIT - 1;
    guard.check();
    expect(state.calls).toEqual([]);
    state.used = HIGH_WATER_SHARE * LIMIT;
    guard.check();
    guard.check();
    expect(state.calls).toEqual(['pause']);
    expect(guard.paused).toBe(true);
    // Between the marks: stays paused.
    state.used = LOW_WATER_SHARE * LIMIT;
    state.nowMs += 10;
    guard.check();
    expect(state.calls).toEqual(['pause']);
    state.used = LOW_WATER_SHARE * LIMIT - 1;
    guard.check();
    expect(state.calls).toEqual(['pause', 'resume']);
    expect(guard.paused).toBe(false);
  });

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

  it('pauses fetching while the resident set is near the budget, however small the heap', () => {
    const { state, guard } = watched();
    state.rss = RSS_HIGH_WATER_SHARE * BUDGET - 1;
    guard.check();
    expect(state.calls).toEqual([]);
    state.rss = RSS_HIGH_WATER_SHARE * BUDGET;
    guard.check();
    expect(state.calls).toEqual(['pause']);
    state.rss = RSS_LOW_WATER_SHARE * BUDGET;
    state.nowMs += 10;
    guard.check();
    expect(state.calls).toEqual(['pause']);
    state.rss = RSS_LOW_WATER_SHARE * BUDGET - 1;
    guard.check();
    expect(state.calls).toEqual(['pause', 'resume']);
  });
});
