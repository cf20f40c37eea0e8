import { describe, expect, it } from 'vitest';
import { anchoredWeight, DEFAULT_SCORING_CONFIG as C, dayIndexOf, normalise } from '@mesh-momentum/scoring';
import { dailyHistory, dayBucketsOf } from './history.ts';

const DAY = 86_400_000;
const H = C.momentum.halfLifeDays * DAY;

describe('dailyHistory', () => {
  it('gives the end-of-day score: an event of weight 10 counts from its day on and halves per half-life', () => {
    const eventMs = Date.UTC(2026, 5, 1, 9);
    const day = dayIndexOf(eventMs);
    const fields = {
      [`d:momentum:${day}`]: String(anchoredWeight(10, eventMs, C.anchorEpochMs, H)),
      'a:momentum': '0',
      'c:1:ChampionGained': '1',
    };
    const buckets = dayBucketsOf(fields);
    const last = day + C.momentum.halfLifeDays;
    const history = dailyHistory(buckets, last, C.momentum.halfLifeDays + 2, C, 'domain');
    expect(history).toHaveLength(16);
    expect(history[0]?.momentum).toBe(0); // the day before the event
    // End of the event's day: 15 h after it.
    const k = C.momentum.normalisationK.domain;
    expect(history[1]?.momentum).toBeCloseTo(normalise(10 * 2 ** (-(15 / 24) / 14), k), 9);
    // One half-life later (end of day +14): S = 5 · 2^(−15/24/14).
    expect(history[15]?.momentum).toBeCloseTo(normalise(5 * 2 ** (-(15 / 24) / 14), k), 9);
    expect(history[1]?.dayMs).toBe(day * DAY);
    expect(history.every((p) => p.value === 0)).toBe(true);
  });

  it('counts days before the window in the running sum', () => {
    const eventMs = Date.UTC(2026, 0, 1, 12);
    const day = dayIndexOf(eventMs);
    const buckets = dayBucketsOf({
      [`d:value:${day}`]: String(anchoredWeight(20, eventMs, C.anchorEpochMs, C.value.halfLifeDays * DAY)),
    });
    const [point] = dailyHistory(buckets, day + 91, 1, C, 'product');
    // 91 days and 12 h after the event, value (H = 91 days) is a bit under half of 20.
    expect(point?.value).toBeCloseTo(normalise(10 * 2 ** (-0.5 / 91), C.value.normalisationK.product), 9);
  });
});
