/**
 * Seeded randomness. mulberry32 is tiny, fast and good enough for simulation; it is not cryptographic.
 * Nothing in this package calls Math.random, so a seed fully determines the output.
 */

/** A PRNG returning floats in [0, 1), from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a, 32 bits: a stable hash for deriving seeds and pseudonymous identifiers from labels. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A seed for an independent stream, e.g. one per domain, so adding a domain leaves the others unchanged. */
export function deriveSeed(seed: number, label: string): number {
  return fnv1a32(`${seed >>> 0}/${label}`);
}

/** Convenience draws over one PRNG stream. */
export class Random {
  readonly #next: () => number;

  constructor(seed: number) {
    this.#next = mulberry32(seed);
  }

  /** Float in [0, 1). */
  next(): number {
    return this.#next();
  }

  /** Float in [min, max). */
  float(min: number, max: number): number {
    return min + (max - min) * this.#next();
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor((max - min + 1) * this.#next());
  }

  chance(probability: number): boolean {
    return this.#next() < probability;
  }

  /** A uniformly chosen element; the list must not be empty. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(items.length * this.#next())] as T;
  }

  /** A key chosen with probability proportional to its (non-negative) weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const keys = Object.keys(weights) as K[];
    let total = 0;
    for (const key of keys) total += weights[key];
    let target = this.#next() * total;
    for (const key of keys) {
      target -= weights[key];
      if (target < 0) return key;
    }
    return keys[keys.length - 1] as K;
  }
}
