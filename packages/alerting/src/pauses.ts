import { scopeKeyOf } from './fingerprint.ts';
import type { AlertScope, PauseNote } from './types.ts';

/**
 * A pause: a scope put on hold on purpose (a programme paused, a domain reorganised), so its momentum is
 * not judged for alerting. The processor keeps computing the stall verdict; a pause only keeps the
 * alerter from acting on it. Unlike a silence (matchers over alert labels, with an expiry, while the
 * alert is still tracked and resumes notifying when the silence ends), a paused scope has no pending or
 * firing alert at all, and is judged afresh once the pause ends.
 */
export type PauseScope =
  | { readonly kind: 'mesh' }
  | { readonly kind: 'domain'; readonly domain: string }
  | { readonly kind: 'product'; readonly domain: string; readonly productId: string };

export interface Pause {
  readonly scope: PauseScope;
  /** `mesh`, `domain:<d>`, `product:<d>/<p>` (`scopeKeyOf`): the field it is stored under, one pause per scope. */
  readonly scopeKey: string;
  /** Why: mandatory, as for a silence. */
  readonly reason: string;
  readonly createdBy: string;
  readonly createdAtMs: number;
  /** The pause ends at this instant (exclusive), ms; absent: until it is removed. */
  readonly untilMs?: number;
}

export function isPauseActive(pause: Pause, nowMs: number): boolean {
  return pause.createdAtMs <= nowMs && (pause.untilMs === undefined || nowMs < pause.untilMs);
}

/** Keys of the scopes whose pause covers `scope`, most specific first: the product, its domain, the mesh. */
function coveringKeys(scope: AlertScope): string[] {
  const keys = [scopeKeyOf(scope)];
  if (scope.kind === 'product') keys.push(scopeKeyOf({ kind: 'domain', domain: scope.domain ?? '' }));
  if (scope.kind !== 'mesh') keys.push('mesh');
  return keys;
}

/**
 * The active pause that holds `scope` at `nowMs`, the most specific one: a pause covers its scope and
 * every scope inside it (the mesh: everything; a domain: the domain and its products).
 */
export function pauseCovering(scope: AlertScope, pauses: readonly Pause[], nowMs: number): Pause | undefined {
  const active = new Map(pauses.filter((p) => isPauseActive(p, nowMs)).map((p) => [p.scopeKey, p]));
  for (const key of coveringKeys(scope)) {
    const pause = active.get(key);
    if (pause) return pause;
  }
  return undefined;
}

export function pauseNoteOf(pause: Pause): PauseNote {
  return {
    scopeKey: pause.scopeKey,
    reason: pause.reason,
    createdBy: pause.createdBy,
    sinceMs: pause.createdAtMs,
    ...(pause.untilMs === undefined ? {} : { untilMs: pause.untilMs }),
  };
}
