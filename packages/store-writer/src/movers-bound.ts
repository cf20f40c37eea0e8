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

export interface MoversSelection<T> {
  /** The candidates to send, largest first. */
  readonly sent: readonly (readonly [number, T])[];
  /** Whether the set may now exceed `kept` members (the script must trim it). */
  readonly trim: boolean;
}

/**
 * Chooses which of a batch's candidates (weight, payload) to send and updates `bound` in place to what
 * the set holds once they are added.
 */
export function selectMovers<T>(
  bound: MoversBound,
  candidates: (readonly [number, T])[],
  kept: number,
): MoversSelection<T> {
  const top = candidates.sort((a, b) => b[0] - a[0]).slice(0, kept);
  const full = bound.weights.length >= kept;
  const floor = full ? (bound.weights[kept - 1] as number) : -Infinity;
  const sent = top.filter(([weight]) => weight >= floor);
  if (sent.length === 0) return { sent, trim: false };
  const trim = bound.weights.length + sent.length > kept;
  bound.weights = [...bound.weights, ...sent.map(([weight]) => weight)].sort((a, b) => b - a).slice(0, kept);
  return { sent, trim };
}
