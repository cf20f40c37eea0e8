import type { ChampionRole, ScoringEvent } from './events.ts';

/**
 * Standing support: current champions and sponsors (per domain) and current consumers (per product),
 * and each product's owner team (the team of its latest publication or discovery).
 *
 * Order-independent definition: every entity (a person in a role in a domain, or a consumer team of a
 * product) is in the state of its LATEST event, ordered by (timeMs, id, source) and, for a full tie, a
 * loss after a gain. An entity counts while its latest event is a gain. So the count never goes below
 * zero, a loss that arrives before its gain (late delivery) is handled, and applying events in any order,
 * any number of times, gives the same state: the state is a per-key maximum, and max is a merge.
 */

export type StandingEntity = ChampionRole | 'consumer' | 'owner';

/** The latest event seen for one entity. */
export interface StandingEntry {
  readonly entity: StandingEntity;
  /** Always true for `owner`: a product always has the owner of its latest publication or discovery. */
  readonly gained: boolean;
  readonly timeMs: number;
  readonly id: string;
  readonly source: string;
  /** The owning team, for `owner` entries only. */
  readonly team?: string;
}

/** Entity key → latest entry. Plain data; keys come from `standingKeyOf`. */
export type StandingState = Readonly<Record<string, StandingEntry>>;

export interface StandingCounts {
  readonly champions: number;
  readonly sponsors: number;
  readonly executiveSponsors: number;
  /** (product, consumer team) pairs currently consuming. */
  readonly consumers: number;
}

export const EMPTY_STANDING: StandingState = Object.freeze({});

/** The entity an event changes the standing of, or undefined for events that do not. */
export function standingEntryOf(event: ScoringEvent): { key: string; entry: StandingEntry } | undefined {
  const base = { timeMs: event.timeMs, id: event.id, source: event.source };
  switch (event.type) {
    case 'ChampionGained':
    case 'ChampionLost':
      return {
        key: JSON.stringify(['person', event.domain, event.personId, event.role]),
        entry: { ...base, entity: event.role, gained: event.type === 'ChampionGained' },
      };
    case 'ConsumerOnboarded':
    case 'ConsumerOffboarded':
      return {
        key: JSON.stringify(['consumer', event.productId, event.consumerTeam]),
        entry: { ...base, entity: 'consumer', gained: event.type === 'ConsumerOnboarded' },
      };
    case 'DataProductPublished':
    case 'DataProductDiscovered':
      return {
        key: JSON.stringify(['owner', event.productId]),
        entry: { ...base, entity: 'owner', gained: true, team: event.ownerTeam },
      };
    default:
      return undefined;
  }
}

/** Total order of entries for one entity: true when `a` comes after `b`. */
export function isLaterEntry(a: StandingEntry, b: StandingEntry): boolean {
  if (a.timeMs !== b.timeMs) return a.timeMs > b.timeMs;
  if (a.id !== b.id) return a.id > b.id;
  if (a.source !== b.source) return a.source > b.source;
  return !a.gained && b.gained;
}

function later(a: StandingEntry | undefined, b: StandingEntry): StandingEntry {
  return a === undefined || isLaterEntry(b, a) ? b : a;
}

/** The standing after an event; the input is not modified (same object back when nothing changes). */
export function applyStanding(state: StandingState, event: ScoringEvent): StandingState {
  const change = standingEntryOf(event);
  if (change === undefined) return state;
  const current = state[change.key];
  const next = later(current, change.entry);
  return next === current ? state : { ...state, [change.key]: next };
}

function isEmpty(state: object): boolean {
  for (const _ in state) return false;
  return true;
}

/** Per-key latest entry of both states: associative, commutative and idempotent. */
export function mergeStanding(a: StandingState, b: StandingState): StandingState {
  // States are never mutated, so merging nothing in may hand back the same object (no copy).
  if (isEmpty(b)) return a;
  if (isEmpty(a)) return b;
  const result: Record<string, StandingEntry> = { ...a };
  for (const [key, entry] of Object.entries(b)) result[key] = later(result[key], entry);
  return result;
}

/** Entities whose latest event is a gain, by kind. */
export function standingCounts(state: StandingState): StandingCounts {
  let champions = 0;
  let sponsors = 0;
  let executiveSponsors = 0;
  let consumers = 0;
  for (const entry of Object.values(state)) {
    if (!entry.gained) continue;
    if (entry.entity === 'champion') champions += 1;
    else if (entry.entity === 'sponsor') sponsors += 1;
    else if (entry.entity === 'executive_sponsor') executiveSponsors += 1;
    else if (entry.entity === 'consumer') consumers += 1;
  }
  return { champions, sponsors, executiveSponsors, consumers };
}

/**
 * The owner team of the latest publication or discovery among the state's owner entries: a product's
 * owner (its standing holds its one owner entry); undefined before either.
 */
export function ownerTeamOf(entries: Iterable<StandingEntry>): string | undefined {
  let latest: StandingEntry | undefined;
  for (const entry of entries) {
    if (entry.entity === 'owner' && (latest === undefined || isLaterEntry(entry, latest))) latest = entry;
  }
  return latest?.team;
}
