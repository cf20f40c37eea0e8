/**
 * What an instance knows of one movers set (the `kept` largest |anchored weight|s of a scope's metric),
 * enough to leave out candidates that cannot enter it: sending them would cost Redis a skiplist insert
 * and a trim each, and the payload a JSON member each, for nothing.
 *
 * `weights` holds, in descending order, a LOWER BOUND of each member's weight: exact for members this
 * instance added, the set's smallest kept weight (or 0) for members it found already there. A candidate
 * below the smallest bound of a full set cannot enter; one at or above it is sent and Redis decides
 * (ties included), so the filter never drops a member the set should hold.
 */
export interface MoversBound {
  weights: number[];
}

/** The bound of a set read from Redis: `size` members, the smallest kept one weighing `floor` (if full). */
export function boundOf(size: number, floor: number | undefined, kept: number): MoversBound {
  return { weights: new Array<number>(Math.min(size, kept)).fill(floor ?? 0) };
}

export interface MoversSelection {
  /** Positions in the candidates' weights of those to send, largest weight first (ties: earlier first). */
  readonly sent: readonly number[];
  /** Whether the set may now exceed `kept` members (the script must trim it). */
  readonly trim: boolean;
}

/**
 * Chooses which of a batch's candidates (by weight) to send and updates `bound` in place to what the
 * set holds once they are added. Weights come as one array, not (weight, payload) pairs: a domain's
 * batch has a candidate per event and metric.
 */
export function selectMovers(bound: MoversBound, weights: readonly number[], kept: number): MoversSelection {
  const top = largestFirst(weights, kept);
  const full = bound.weights.length >= kept;
  const floor = full ? (bound.weights[kept - 1] as number) : -Infinity;
  // Largest first: those that cannot enter the set are the tail.
  let n = top.length;
  while (n > 0 && (weights[top[n - 1] as number] as number) < floor) n -= 1;
  top.length = n;
  if (n === 0) return { sent: top, trim: false };
  const trim = bound.weights.length + n > kept;
  bound.weights = [...bound.weights, ...top.map((at) => weights[at] as number)]
    .sort((a, b) => b - a)
    .slice(0, kept);
  return { sent: top, trim };
}

/**
 * Positions of the `kept` largest weights, largest first, ties in their given order: what a stable sort
 * of all of them, cut to `kept`, gives. A domain's batch has thousands of candidates for a set of 50,
 * so those below the kept-th largest weight (found by a numeric sort of a typed copy, no comparator)
 * are left out before the rest are sorted.
 */
function largestFirst(weights: readonly number[], kept: number): number[] {
  let threshold = -Infinity;
  if (weights.length > kept) threshold = Float64Array.from(weights).sort()[weights.length - kept] as number;
  const pool: number[] = [];
  for (let i = 0; i < weights.length; i++) if ((weights[i] as number) >= threshold) pool.push(i);
  pool.sort((a, b) => (weights[b] as number) - (weights[a] as number) || a - b);
  if (pool.length > kept) pool.length = kept;
  return pool;
}
