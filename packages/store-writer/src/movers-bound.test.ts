import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundOf, selectMovers } from './movers-bound.ts';

const KEPT = 5;

/** The set Redis would hold: the KEPT largest of everything ever added. */
function topOf(weights: readonly number[]): number[] {
  return [...weights].sort((a, b) => b - a).slice(0, KEPT);
}

describe('selectMovers', () => {
  it('never leaves out a candidate the set would keep, over any sequence of batches', () => {
    const batchesArb = fc.array(fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 12 }), {
      maxLength: 10,
    });
    fc.assert(
      fc.property(batchesArb, (batches) => {
        const bound = boundOf(0, undefined, KEPT);
        let redis: number[] = [];
        let all: number[] = [];
        for (const batch of batches) {
          const { sent } = selectMovers(bound, batch, KEPT);
          redis = topOf([...redis, ...sent.map((at) => batch[at]!)]);
          all = [...all, ...batch];
          expect(redis).toEqual(topOf(all));
          // The bound stays a lower bound of what the set holds.
          bound.weights.forEach((w, i) => expect(w).toBeLessThanOrEqual(redis[i] as number));
        }
      }),
    );
  });

  it('sends the largest candidates in the order a stable sort of all of them gives, ties included', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 60 }), (weights) => {
        const expected = weights
          .map((w, i) => [w, i] as const)
          .sort((a, b) => b[0] - a[0])
          .slice(0, KEPT)
          .map(([, i]) => i);
        expect(selectMovers(boundOf(0, undefined, KEPT), weights, KEPT).sent).toEqual(expected);
      }),
    );
  });

  it('leaves out what cannot enter a full set, and asks for a trim only when the set may overflow', () => {
    const bound = boundOf(KEPT, 10, KEPT);
    expect(selectMovers(bound, [3], KEPT)).toEqual({ sent: [], trim: false });
    const { sent, trim } = selectMovers(bound, [3, 12], KEPT);
    expect(sent).toEqual([1]);
    expect(trim).toBe(true);
    expect(selectMovers(boundOf(1, undefined, KEPT), [1], KEPT).trim).toBe(false);
  });
});
