import type { ScoringConfig } from './config.ts';
import { contributionOf, eventInScope, scopesOf, type Contribution, type Scope } from './contribution.ts';
import { decayedWeight } from './decay.ts';
import { eventKey, type ScoringEvent } from './events.ts';
import { assembleScore, halfLifeMs, zeroCounts, type ScopeScore } from './score.ts';
import type { ScopeContext } from './stall.ts';
import { applyStanding, EMPTY_STANDING, ownerTeamOf, standingCounts } from './standing.ts';
import { dayIndexOf } from './time.ts';

/**
 * The reference computation: scores straight from the list of events with the plain formula
 * `S(t) = Σ w_e · 2^(−(t − t_e)/H)`, no anchoring, no buckets. Integration tests compare what the
 * processor keeps in Redis with this; unit tests compare `scoreOf(aggregate)` with it.
 */

export interface MeshScores {
  readonly asOfMs: number;
  readonly mesh: ScopeScore;
  /** By domain id. */
  readonly domains: Readonly<Record<string, ScopeScore>>;
  /** By product id. */
  readonly products: Readonly<Record<string, ScopeScore>>;
}

/** The events with distinct (source, id), first occurrence kept. */
export function dedupEvents(events: Iterable<ScoringEvent>): ScoringEvent[] {
  const seen = new Set<string>();
  const result: ScoringEvent[] = [];
  for (const event of events) {
    const key = eventKey(event);
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(event);
  }
  return result;
}

/**
 * The distinct events in a canonical order, by (timeMs, source, id): summing in this order makes the
 * reference results bit-for-bit independent of delivery order, not merely equal to rounding.
 */
export function canonicalEvents(events: Iterable<ScoringEvent>): ScoringEvent[] {
  const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return dedupEvents(events).sort(
    (a, b) => a.timeMs - b.timeMs || compare(a.source, b.source) || compare(a.id, b.id),
  );
}

function contextOf(scope: Scope, options: ReferenceOptions): ScopeContext {
  return { kind: scope.kind, paused: options.isPaused?.(scope) ?? false };
}

interface Weighted {
  readonly event: ScoringEvent;
  readonly weights: Contribution;
}

/** The score of one scope from its (already de-duplicated) events. */
function scoreEvents(
  events: readonly Weighted[],
  asOfMs: number,
  config: ScoringConfig,
  scope: ScopeContext,
): ScopeScore {
  let standing = EMPTY_STANDING;
  let firstEventMs: number | null = null;
  let lastEventMs: number | null = null;
  let lastPositiveMomentumMs: number | null = null;
  for (const { event, weights } of events) {
    standing = applyStanding(standing, event);
    firstEventMs = Math.min(firstEventMs ?? Infinity, event.timeMs);
    lastEventMs = Math.max(lastEventMs ?? -Infinity, event.timeMs);
    if (weights.momentum > 0)
      lastPositiveMomentumMs = Math.max(lastPositiveMomentumMs ?? -Infinity, event.timeMs);
  }
  return assembleScore(
    {
      // Events of UTC days up to and including t's day (so also events later on t's own day).
      rawAt: (metric, t) =>
        events
          .filter(({ event }) => dayIndexOf(event.timeMs) <= dayIndexOf(t))
          .reduce(
            (sum, { event, weights }) =>
              sum + decayedWeight(weights[metric], event.timeMs, t, halfLifeMs(metric, config)),
            0,
          ),
      // Events strictly before the instant b.
      rawBefore: (metric, b) =>
        events
          .filter(({ event }) => event.timeMs < b)
          .reduce(
            (sum, { event, weights }) =>
              sum + decayedWeight(weights[metric], event.timeMs, b, halfLifeMs(metric, config)),
            0,
          ),
      countsInDays: (fromDay, toDay) => {
        const counts = zeroCounts();
        for (const { event } of events) {
          const day = dayIndexOf(event.timeMs);
          if (day >= fromDay && day <= toDay) counts[event.type] += 1;
        }
        return counts;
      },
      daysWithAny: (types, fromDay, toDay) => {
        const days = events
          .filter(({ event }) => types.has(event.type))
          .map(({ event }) => dayIndexOf(event.timeMs))
          .filter((day) => day >= fromDay && day <= toDay);
        return [...new Set(days)].sort((a, b) => a - b);
      },
      lastDayWithAny: (types, toDay) => {
        const days = events
          .filter(({ event }) => types.has(event.type))
          .map(({ event }) => dayIndexOf(event.timeMs))
          .filter((day) => day <= toDay);
        return days.length === 0 ? null : Math.max(...days);
      },
      standing: standingCounts(standing),
      ownerTeam: () => ownerTeamOf(Object.values(standing)),
      eventCount: events.length,
      firstEventMs,
      lastEventMs,
      lastPositiveMomentumMs,
    },
    asOfMs,
    config,
    scope,
  );
}

/** Options of the reference computation. */
export interface ReferenceOptions {
  /** Scopes the caller has explicitly paused: never stalled. @defaultValue none */
  readonly isPaused?: (scope: Scope) => boolean;
}

/** The score of one scope, from any list of events (de-duplicated and filtered to the scope here). */
export function computeScopeScore(
  events: Iterable<ScoringEvent>,
  scope: Scope,
  asOfMs: number,
  config: ScoringConfig,
  options: ReferenceOptions = {},
): ScopeScore {
  const inScope = canonicalEvents(events)
    .filter((event) => eventInScope(event, scope))
    .map((event) => ({ event, weights: contributionOf(event, config) }));
  return scoreEvents(inScope, asOfMs, config, contextOf(scope, options));
}

/**
 * Scores of every product, every domain and the mesh as of `asOfMs`, from the set of distinct events:
 * duplicates by (source, id) count once (the first delivery is kept), and the result is the same, bit for
 * bit, for any delivery order. See `scoreOf` for how asOf is meant.
 */
export function computeScores(
  events: Iterable<ScoringEvent>,
  asOfMs: number,
  config: ScoringConfig,
  options: ReferenceOptions = {},
): MeshScores {
  const byScope = new Map<string, { scope: Scope; events: Weighted[] }>();
  for (const event of canonicalEvents(events)) {
    const weights = contributionOf(event, config);
    for (const scope of scopesOf(event)) {
      const key = JSON.stringify(scope);
      const entry = byScope.get(key) ?? { scope, events: [] };
      entry.events.push({ event, weights });
      byScope.set(key, entry);
    }
  }
  const domains: Record<string, ScopeScore> = {};
  const products: Record<string, ScopeScore> = {};
  let mesh = scoreEvents([], asOfMs, config, contextOf({ kind: 'mesh' }, options));
  for (const { scope, events: scoped } of byScope.values()) {
    const score = scoreEvents(scoped, asOfMs, config, contextOf(scope, options));
    if (scope.kind === 'mesh') mesh = score;
    else if (scope.kind === 'domain') domains[scope.id] = score;
    else products[scope.id] = score;
  }
  return { asOfMs, mesh, domains, products };
}
