import {
  emptyAggregate,
  EVENT_TYPES,
  METRICS,
  type EventType,
  type Metric,
  type ScopeAggregate,
  type StandingEntry,
  type StandingState,
} from '@mesh-momentum/scoring';

/**
 * How a scope's `ScopeAggregate` (packages/scoring) is laid out in its Redis hashes: one field per
 * anchored sum, day bucket, count and time (the processor writes each one's value after a batch);
 * standing lives in its own hash, one JSON entry per entity, the latest one.
 */
export const AGGREGATE_FIELDS = {
  anchored: (metric: Metric) => `a:${metric}`,
  anchoredDay: (metric: Metric, day: string) => `d:${metric}:${day}`,
  countDay: (day: string, type: string) => `c:${day}:${type}`,
  eventCount: 'n',
  firstEventMs: 'first',
  lastEventMs: 'last',
  lastPositiveMomentumMs: 'lastpos',
} as const;

const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES);

function numberOrNull(value: string | undefined): number | null {
  return value === undefined ? null : Number(value);
}

/** Rebuilds the aggregate from the hash fields (HGETALL) of the aggregate and the standing hash. */
export function aggregateFromHashes(
  aggregate: Readonly<Record<string, string>>,
  standing: Readonly<Record<string, string>>,
): ScopeAggregate {
  const empty = emptyAggregate();
  const anchored: Record<Metric, number> = { ...empty.anchored };
  const anchoredByDay: Record<Metric, Record<string, number>> = { momentum: {}, value: {} };
  const countsByDay: Record<string, Partial<Record<EventType, number>>> = {};
  for (const [field, raw] of Object.entries(aggregate)) {
    const parts = field.split(':');
    if (parts[0] === 'a' && parts.length === 2) {
      const metric = parts[1] as Metric;
      if (METRICS.includes(metric)) anchored[metric] = Number(raw);
    } else if (parts[0] === 'd' && parts.length === 3) {
      const metric = parts[1] as Metric;
      if (METRICS.includes(metric)) anchoredByDay[metric][parts[2] as string] = Number(raw);
    } else if (parts[0] === 'c' && parts.length === 3) {
      const [, day, type] = parts as [string, string, string];
      if (EVENT_TYPE_SET.has(type)) (countsByDay[day] ??= {})[type as EventType] = Number(raw);
    }
  }
  const standingState: Record<string, StandingEntry> = {};
  for (const [key, json] of Object.entries(standing)) standingState[key] = JSON.parse(json) as StandingEntry;
  return {
    anchored,
    anchoredByDay,
    countsByDay,
    eventCount: Number(aggregate[AGGREGATE_FIELDS.eventCount] ?? 0),
    firstEventMs: numberOrNull(aggregate[AGGREGATE_FIELDS.firstEventMs]),
    lastEventMs: numberOrNull(aggregate[AGGREGATE_FIELDS.lastEventMs]),
    lastPositiveMomentumMs: numberOrNull(aggregate[AGGREGATE_FIELDS.lastPositiveMomentumMs]),
    standing: standingState as StandingState,
  };
}
