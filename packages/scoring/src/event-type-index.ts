import { EVENT_TYPES, type EventType } from './events.ts';

/** Each event type's index in EVENT_TYPES: the slot of its count in a day's counts. */
export const EVENT_TYPE_INDEX: ReadonlyMap<EventType, number> = new Map(EVENT_TYPES.map((t, i) => [t, i]));

const typeIndexCache = new WeakMap<ReadonlySet<EventType>, readonly number[]>();

/** EVENT_TYPES indexes of a set of types; the stall asks with the same few sets for every score. */
export function typeIndexes(types: ReadonlySet<EventType>): readonly number[] {
  let indexes = typeIndexCache.get(types);
  if (!indexes)
    typeIndexCache.set(types, (indexes = [...types].map((t) => EVENT_TYPE_INDEX.get(t) as number)));
  return indexes;
}
