import { STALL_REASONS, type StallReason } from '@mesh-momentum/scoring';

/**
 * The messages on the change channel `<p>:<ns>:changes` (docs/redis-contract.md, "Change
 * notifications"). The apply script publishes `scores` and `stall` messages for a domain and its
 * products on every write, with events or without (the periodic refresh moves scores by decay alone);
 * the mesh refresh publishes `mesh` and the mesh's own `stall` messages. Pub/sub may drop messages:
 * `seq` lets a reader find a gap (see `ChangeFeed`).
 */

/** The scope a message names: `domain`, `product:<productId>` (as in keys), or `mesh`. */
export type ChangedScopeId = string;

/** A domain's score hashes were rewritten by one call of the apply script. */
export interface ScoresChanged {
  readonly t: 'scores';
  /** The domain. */
  readonly d: string;
  /** The domain's `seq` progress field after this write: +1 per write of the domain. */
  readonly seq: number;
  /** The instant the written scores are computed for, ms since the epoch. */
  readonly asOfMs: number;
  /** `<topic>:<partition>` whose batch (or refresh) wrote them. */
  readonly p: string;
  /** Events applied by the write (0 for a refresh). */
  readonly n: number;
  /** Scope ids rewritten (`domain`, `product:<id>`); absent when `all` is set. */
  readonly s?: readonly ChangedScopeId[];
  /** More than 100 scopes were rewritten: read the whole domain again. */
  readonly all?: true;
}

/** A scope became stalled (`stalled: true`) or recovered (`stalled: false`). */
export interface StallChanged {
  readonly t: 'stall';
  /** The domain, or `mesh` for the mesh-wide scope. */
  readonly d: string;
  /** The write's `seq` (same as its `scores` message); absent for the mesh. */
  readonly seq?: number;
  /** `domain`, `product:<productId>` or `mesh`. */
  readonly scope: ChangedScopeId;
  readonly stalled: boolean;
  /** Became stalled: the rule that holds; recovered: the rule that held before. */
  readonly reason: StallReason | '';
  /** The write that found the transition (its asOfMs), ms since the epoch. */
  readonly atMs: number;
  /** When the stall began (for a recovery: the stall that ended), ms since the epoch. */
  readonly sinceMs: number;
}

/** The mesh-wide figures (mesh score, domain rankings, stalled set) were rewritten. */
export interface MeshChanged {
  readonly t: 'mesh';
  readonly asOfMs: number;
}

export type ChangeMessage = ScoresChanged | StallChanged | MeshChanged;

/** Scopes a `scores` message lists at most before it says `all` instead. */
export const CHANGES_LISTED_MAX = 100;

const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/**
 * Parses one message of the change channel; undefined for anything else (a message of an older
 * processor, `{p, n}` only, or garbage): a reader treats that as "something changed somewhere".
 */
export function parseChangeMessage(text: string): ChangeMessage | undefined {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof m !== 'object' || m === null) return undefined;
  if (m['t'] === 'scores' && typeof m['d'] === 'string' && isNumber(m['seq']) && isNumber(m['asOfMs'])) {
    // cjson encodes an empty list as {}: a write always names a scope, so treat it as "all".
    const listed = Array.isArray(m['s']) ? (m['s'] as string[]) : undefined;
    return {
      t: 'scores',
      d: m['d'],
      seq: m['seq'],
      asOfMs: m['asOfMs'],
      p: String(m['p'] ?? ''),
      n: isNumber(m['n']) ? m['n'] : 0,
      ...(listed && m['all'] !== true ? { s: listed } : { all: true }),
    };
  }
  if (m['t'] === 'stall' && typeof m['d'] === 'string' && typeof m['scope'] === 'string') {
    const reason = typeof m['reason'] === 'string' ? m['reason'] : '';
    return {
      t: 'stall',
      d: m['d'],
      ...(isNumber(m['seq']) ? { seq: m['seq'] } : {}),
      scope: m['scope'],
      stalled: m['stalled'] === true,
      reason: (STALL_REASONS as readonly string[]).includes(reason) ? (reason as StallReason) : '',
      atMs: isNumber(m['atMs']) ? m['atMs'] : 0,
      sinceMs: isNumber(m['sinceMs']) ? m['sinceMs'] : 0,
    };
  }
  if (m['t'] === 'mesh' && isNumber(m['asOfMs'])) return { t: 'mesh', asOfMs: m['asOfMs'] };
  return undefined;
}
