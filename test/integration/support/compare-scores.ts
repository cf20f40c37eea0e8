import { expect } from 'vitest';
import type { ScopeScore } from '@mesh-momentum/scoring';
import type { StoredScore } from '@mesh-momentum/store';

/** Equal to 1e-9 relative, or 1e-9 absolute for values near zero (cancellation of signed sums). */
export function expectClose(actual: number, expected: number, what: string): void {
  const tolerance = Math.max(1e-9 * Math.abs(expected), 1e-9);
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

/** Asserts that a score read from Redis equals the in-process reference score. */
export function expectSameScore(stored: StoredScore | undefined, reference: ScopeScore, what: string): void {
  expect(stored, `${what}: no score in Redis`).toBeDefined();
  if (!stored) return;
  expect(stored.asOfMs, `${what}: asOf`).toBe(reference.asOfMs);
  for (const metric of ['momentum', 'value'] as const) {
    expectClose(stored[metric].raw, reference[metric].raw, `${what} ${metric}.raw`);
    expectClose(stored[metric].score, reference[metric].score, `${what} ${metric}.score`);
    expectClose(stored[metric].trend7, reference[metric].trend7, `${what} ${metric}.trend7`);
    expectClose(stored[metric].trend30, reference[metric].trend30, `${what} ${metric}.trend30`);
  }
  expect(stored.quadrant, `${what}: quadrant`).toBe(reference.quadrant);
  expect(stored.stalled, `${what}: stalled`).toBe(reference.stall.stalled);
  expect(stored.stallReason, `${what}: stall reason`).toBe(reference.stall.reason);
  expect(stored.eventCount, `${what}: eventCount`).toBe(reference.eventCount);
  expect(stored.lastEventMs ?? null, `${what}: lastEventMs`).toBe(reference.lastEventMs);
  expect(stored.counts, `${what}: counts`).toEqual(JSON.parse(JSON.stringify(reference.counts)));
  expect(stored.standing, `${what}: standing`).toEqual(reference.standing);
}
