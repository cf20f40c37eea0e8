import { deriveSeed, Random } from './random.ts';

/**
 * Deterministic perturbations of an event list, for tests that scores depend only on the set of
 * distinct events: any order, any number of deliveries.
 */

/** A copy of `items` in a seeded random order (Fisher-Yates); the input is left unchanged. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = new Random(deriveSeed(seed, 'shuffle'));
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}

/**
 * `events` plus copies of about `fraction` of them (0..1), each copy inserted a little later in the
 * list than its original, as a producer retry delivers it again with the same id. Copies are shallow
 * clones (arrays cloned too), equal to the original field by field.
 */
export function withDuplicates<T extends object>(events: readonly T[], seed: number, fraction: number): T[] {
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`fraction must be in [0, 1], got ${fraction}`);
  const random = new Random(deriveSeed(seed, 'duplicates'));
  // Copies waiting to be re-delivered: the position (index in `events`) after which each goes.
  const retries = new Map<number, T[]>();
  const out: T[] = [];
  events.forEach((event, i) => {
    out.push(event);
    if (random.chance(fraction)) {
      const at = Math.min(events.length - 1, i + random.int(0, 20));
      const list = retries.get(at) ?? [];
      list.push(copyOf(event));
      retries.set(at, list);
    }
    for (const copy of retries.get(i) ?? []) out.push(copy);
    retries.delete(i);
  });
  return out;
}

function copyOf<T extends object>(event: T): T {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) copy[key] = Array.isArray(value) ? [...value] : value;
  return copy as T;
}
