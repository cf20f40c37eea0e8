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
          const { sent } = selectMovers(
            bound,
            batch.map((w, i) => [w, i] as const),
            KEPT,
          );
          redis = topOf([...redis, ...sent.map(([w]) => w)]);
          all = [...all, ...batch];
          expect(redis).toEqual(topOf(all));
          // The bound stays a lower bound of what the set holds.
          bound.weights.forEach((w, i) => expect(w).toBeLessThanOrEqual(redis[i] as number));
        }
      }),
    );
  });

  it('leaves out what cannot enter a full set, and asks for a trim only when the set may overflow', () => {
    const bound = boundOf(KEPT, 10, KEPT);
    expect(selectMovers(bound, [[3, 'small'] as const], KEPT)).toEqual({ sent: [], trim: false });
    const { sent, trim } = selectMovers(bound, [[3, 'small'] as const, [12, 'big'] as const], KEPT);
    expect(sent).toEqual([[12, 'big']]);
    expect(trim).toBe(true);
    expect(selectMovers(boundOf(1, undefined, KEPT), [[1, 'a'] as const], KEPT).trim).toBe(false);
  });
});
