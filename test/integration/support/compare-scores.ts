import { expect } from 'vitest';
import type { ScopeScore } from '@mesh-momentum/scoring';
import type { StoredScore } from '@mesh-momentum/store';

/**
 * The product's promise: an independent recomputation agrees to 1e-13. Raw sums: relative to the value
 * (absolute near zero, where a signed sum that cancels out has no meaningful relative error). Normalised
 * scores and trends: relative to their 0–100 scale, since a trend is the difference of two scores and
 * cannot be more precise than they are.
 */
export const AGREEMENT = 1e-13;
const SCORE_SCALE = 100;

export function expectClose(actual: number, expected: number, what: string, scale = 1): void {
  const tolerance = AGREEMENT * Math.max(Math.abs(expected), scale);
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

/** Asserts that a score read from Redis equals the in-process reference score. */
export function expectSameScore(stored: StoredScore | undefined, reference: ScopeScore, what: string): void {
  expect(stored, `${what}: no score in Redis`).toBeDefined();
  if (!stored) return;
  expect(stored.asOfMs, `${what}: asOf`).toBe(reference.asOfMs);
  for (const metric of ['momentum', 'value'] as const) {
    expectClose(stored[metric].raw, reference[metric].raw, `${what} ${metric}.raw`);
    expectClose(stored[metric].score, reference[metric].score, `${what} ${metric}.score`, SCORE_SCALE);
    expectClose(stored[metric].trend7, reference[metric].trend7, `${what} ${metric}.trend7`, SCORE_SCALE);
    expectClose(stored[metric].trend30, reference[metric].trend30, `${what} ${metric}.trend30`, SCORE_SCALE);
  }
  expect(stored.quadrant, `${what}: quadrant`).toBe(reference.quadrant);
  expect(stored.stalled, `${what}: stalled`).toBe(reference.stall.stalled);
  expect(stored.stallReason, `${what}: stall reason`).toBe(reference.stall.reason);
  expect(stored.stallExemption, `${what}: stall exemption`).toBe(reference.stall.exemption);
  expect(
    stored.stallFindings.map((f) => f.rule),
    `${what}: stall findings`,
  ).toEqual(reference.stall.findings.map((f) => f.rule));
  for (const [i, finding] of reference.stall.findings.entries()) {
    const at = stored.stallFindings[i];
    expect(at?.threshold, `${what}: finding ${finding.rule} threshold`).toBe(finding.threshold);
    // Momentum and trend values carry the scores' rounding; days of silence are exact.
    expectClose(at?.value ?? NaN, finding.value, `${what}: finding ${finding.rule} value`, SCORE_SCALE);
  }
  expect(stored.ownerTeam, `${what}: owner team`).toBe(reference.ownerTeam);
  expect(stored.eventCount, `${what}: eventCount`).toBe(reference.eventCount);
  expect(stored.lastEventMs ?? null, `${what}: lastEventMs`).toBe(reference.lastEventMs);
  expect(stored.counts, `${what}: counts`).toEqual(JSON.parse(JSON.stringify(reference.counts)));
  expect(stored.standing, `${what}: standing`).toEqual(reference.standing);
}
