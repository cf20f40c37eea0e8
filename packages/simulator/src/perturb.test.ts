import { describe, expect, it } from 'vitest';
import { shuffled, withDuplicates } from './perturb.ts';
import { simulateProgramme } from './programme.ts';

const events = simulateProgramme({ seed: 5, scale: 0.2 });
const byId = (list: readonly { id: string }[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));

describe('shuffled', () => {
  it('is a deterministic permutation that leaves its input alone', () => {
    const before = JSON.stringify(events);
    const a = shuffled(events, 1);
    expect(JSON.stringify(events)).toBe(before);
    expect(shuffled(events, 1)).toEqual(a);
    expect(a).not.toEqual(events);
    expect(shuffled(events, 2)).not.toEqual(a);
    expect(byId(a)).toEqual(byId(events));
  });

  it('handles empty and single-element lists', () => {
    expect(shuffled([], 1)).toEqual([]);
    expect(shuffled(['x'], 1)).toEqual(['x']);
  });
});

describe('withDuplicates', () => {
  it('re-inserts copies of about `fraction` of the events, same id, after their original', () => {
    const out = withDuplicates(events, 9, 0.2);
    expect(withDuplicates(events, 9, 0.2)).toEqual(out);
    const extra = out.length - events.length;
    expect(extra).toBeGreaterThan(events.length * 0.12);
    expect(extra).toBeLessThan(events.length * 0.28);
    const firstSeen = new Map<string, number>();
    out.forEach((e, i) => {
      const first = firstSeen.get(e.id);
      if (first === undefined) firstSeen.set(e.id, i);
      else {
        expect(e).toEqual(out[first]);
        expect(e).not.toBe(out[first]);
      }
    });
    expect(firstSeen.size).toBe(events.length);
    // The distinct events keep their original order.
    expect([...firstSeen.keys()]).toEqual(events.map((e) => e.id));
  });

  it('adds nothing at fraction 0, one copy of everything at fraction 1, and rejects other fractions', () => {
    expect(withDuplicates(events, 1, 0)).toEqual(events);
    expect(withDuplicates(events, 1, 1).length).toBe(2 * events.length);
    expect(() => withDuplicates(events, 1, 1.5)).toThrow(RangeError);
  });
});
