import { LRUCache } from 'lru-cache';

/** Bounds of the answer cache (the dashboard config section sets them). */
export interface AnswerCacheLimits {
  /** Answers kept at most. */
  readonly maxEntries: number;
  /** Bytes of kept answer bodies at most (a page of 1000 scopes is ~600 kB of JSON). */
  readonly maxBytes: number;
}

/**
 * List answers computed from the snapshot alone, kept for the snapshot generation they were computed
 * in, so that a page of 10k sorted products is computed (and serialised) once per change, not once per
 * viewer. Keyed by route and the parsed, normalised query (`?a=1&b=2`, `?b=2&a=1` and `?a=01&b=2` are
 * one answer), never by the raw URL, and bounded by a least-recently-used cache by entries and bytes:
 * arbitrary query strings cannot grow it. A new generation empties it.
 */
export class AnswerCache {
  readonly #lru: LRUCache<string, Buffer>;
  #generation = -1;

  constructor(limits: AnswerCacheLimits) {
    this.#lru = new LRUCache<string, Buffer>({
      max: limits.maxEntries,
      maxSize: limits.maxBytes,
      // An empty body still takes an entry: lru-cache wants sizes of at least 1.
      sizeCalculation: (body) => Math.max(1, body.length),
    });
  }

  /** Answers kept now. */
  get entries(): number {
    return this.#lru.size;
  }

  /** Bytes of the answers kept now. */
  get bytes(): number {
    return this.#lru.calculatedSize;
  }

  /**
   * The body for `route` and `query` in `generation`, from the cache, or computed by `compute` and kept
   * (unless it alone is larger than the byte bound: then it is answered, not kept).
   */
  get(generation: number, route: string, query: object, compute: () => Buffer): Buffer {
    if (generation !== this.#generation) {
      this.#lru.clear();
      this.#generation = generation;
    }
    const key = answerKey(route, query);
    const kept = this.#lru.get(key);
    if (kept) return kept;
    const body = compute();
    this.#lru.set(key, body);
    return body;
  }
}

/**
 * The cache key of a parsed query: its fields in name order, so the order of the URL's parameters
 * (and anything the parser normalised: defaults filled in, numbers coerced) makes no difference.
 */
export function answerKey(route: string, query: object): string {
  const fields = Object.entries(query)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${route}?${JSON.stringify(fields)}`;
}
