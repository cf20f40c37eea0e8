import {
  anchoredWeight,
  contributionOf,
  dayIndexOf,
  emptyAggregate,
  halfLifeMsOf,
  isLaterEntry,
  mergeAggregates,
  METRICS,
  productIdsOf,
  scoreOf,
  standingEntryOf,
  type EventType,
  type Metric,
  type ScopeAggregate,
  type ScopeScore,
  type ScoringConfig,
  type ScoringEvent,
  type StandingEntry,
} from '@mesh-momentum/scoring';
import { AGGREGATE_FIELDS } from './aggregate-fields.ts';
import { keys, scopeId, type DomainScope, type KeySpace } from './keys.ts';
import { scoreToFields } from './score-fields.ts';

/** One decoded, validated event of the batch, with where it came from. */
export interface BatchEvent {
  readonly offset: string;
  /** `<source>|<id>`: the SPEC's de-duplication key. */
  readonly dedupKey: string;
  readonly event: ScoringEvent;
}

export interface DomainBatchInput {
  readonly keySpace: KeySpace;
  readonly domain: string;
  readonly topic: string;
  readonly partition: number;
  readonly epoch: number;
  /** The instant the written scores are computed for (normally now). */
  readonly asOfMs: number;
  readonly config: ScoringConfig;
  /** The domain's events of this batch, without in-batch duplicates. May be empty (scores refresh only). */
  readonly events: readonly BatchEvent[];
  /** The aggregates in Redis before the batch, by scope id; a missing scope is empty. */
  readonly current: ReadonlyMap<string, ScopeAggregate>;
  /** Scopes whose scores must be rewritten even without events (the periodic tick). */
  readonly refreshScopes?: readonly DomainScope[];
}

export interface DomainBatchPlan {
  /** KEYS of the apply script (all in the domain's slot). */
  readonly keys: string[];
  /** ARGV[1] of the apply script: the JSON payload its header documents. */
  readonly payload: string;
  /** Aggregates after the batch, for every scope the batch touched. */
  readonly next: ReadonlyMap<string, ScopeAggregate>;
  /** Scores written for every touched scope. */
  readonly scores: ReadonlyMap<string, { scope: DomainScope; score: ScopeScore }>;
}

/** How many of the largest contributions each scope keeps per metric ("what moved it most"). */
export const MOVERS_KEPT = 50;

/** The batch's effect on one scope, accumulated in place (never per-event copies). */
interface ScopeDelta {
  readonly scope: DomainScope;
  anchored: Record<Metric, number>;
  readonly anchoredByDay: Record<Metric, Map<string, number>>;
  readonly countsByDay: Map<string, Map<EventType, number>>;
  eventCount: number;
  first: number | null;
  last: number | null;
  lastPositive: number | null;
  readonly standing: Map<string, StandingEntry>;
  readonly movers: Record<Metric, [number, string][]>;
}

function newDelta(scope: DomainScope): ScopeDelta {
  return {
    scope,
    anchored: { momentum: 0, value: 0 },
    anchoredByDay: { momentum: new Map(), value: new Map() },
    countsByDay: new Map(),
    eventCount: 0,
    first: null,
    last: null,
    lastPositive: null,
    standing: new Map(),
    movers: { momentum: [], value: [] },
  };
}

function scopesInDomain(event: ScoringEvent): DomainScope[] {
  return [
    { kind: 'domain' },
    ...productIdsOf(event).map((productId): DomainScope => ({ kind: 'product', productId })),
  ];
}

function deltaToAggregate(d: ScopeDelta): ScopeAggregate {
  const byDay = (m: Map<string, number>) => Object.fromEntries(m);
  return {
    anchored: { ...d.anchored },
    anchoredByDay: { momentum: byDay(d.anchoredByDay.momentum), value: byDay(d.anchoredByDay.value) },
    countsByDay: Object.fromEntries([...d.countsByDay].map(([day, c]) => [day, Object.fromEntries(c)])),
    eventCount: d.eventCount,
    firstEventMs: d.first,
    lastEventMs: d.last,
    lastPositiveMomentumMs: d.lastPositive,
    standing: Object.fromEntries(d.standing),
  };
}

/**
 * Turns one domain's share of a Kafka batch into one call of the apply script: the increments of every
 * scope (aggregated over the batch in memory, so the script does one HINCRBYFLOAT per field, not per
 * event), the standing candidates, and the scores after the batch, computed here with the same scoring
 * functions the reference uses. Pure: no I/O, no clock.
 */
export function planDomainBatch(input: DomainBatchInput): DomainBatchPlan {
  const { config, keySpace: ks, domain } = input;
  const halfLives = { momentum: halfLifeMsOf(config.momentum), value: halfLifeMsOf(config.value) };
  const deltas = new Map<string, ScopeDelta>();
  const deltaFor = (scope: DomainScope) => {
    const id = scopeId(scope);
    let d = deltas.get(id);
    if (!d) deltas.set(id, (d = newDelta(scope)));
    return d;
  };
  for (const scope of input.refreshScopes ?? []) deltaFor(scope);

  for (const { event } of input.events) {
    const weights = contributionOf(event, config);
    const day = String(dayIndexOf(event.timeMs));
    const anchored = {
      momentum: anchoredWeight(weights.momentum, event.timeMs, config.anchorEpochMs, halfLives.momentum),
      value: anchoredWeight(weights.value, event.timeMs, config.anchorEpochMs, halfLives.value),
    };
    const standing = standingEntryOf(event);
    const mover = (metric: Metric) =>
      JSON.stringify({
        id: event.id,
        source: event.source,
        type: event.type,
        timeMs: event.timeMs,
        weight: weights[metric],
      });
    for (const scope of scopesInDomain(event)) {
      const d = deltaFor(scope);
      for (const metric of METRICS) {
        d.anchored[metric] += anchored[metric];
        const byDay = d.anchoredByDay[metric];
        byDay.set(day, (byDay.get(day) ?? 0) + anchored[metric]);
        if (anchored[metric] !== 0) d.movers[metric].push([Math.abs(anchored[metric]), mover(metric)]);
      }
      let counts = d.countsByDay.get(day);
      if (!counts) d.countsByDay.set(day, (counts = new Map()));
      counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
      d.eventCount += 1;
      d.first = d.first === null ? event.timeMs : Math.min(d.first, event.timeMs);
      d.last = d.last === null ? event.timeMs : Math.max(d.last, event.timeMs);
      if (weights.momentum > 0) d.lastPositive = Math.max(d.lastPositive ?? event.timeMs, event.timeMs);
      // Standing of a product scope holds only its own consumers; the domain holds everyone.
      if (standing && (scope.kind === 'domain' || standing.entry.entity === 'consumer')) {
        const held = d.standing.get(standing.key);
        if (!held || isLaterEntry(standing.entry, held)) d.standing.set(standing.key, standing.entry);
      }
    }
  }

  const scriptKeys = [
    keys.domainProgress(ks, domain),
    keys.domainSeenEvents(ks, domain),
    keys.domainProducts(ks, domain),
    keys.productRanking(ks, domain, 'momentum'),
    keys.productRanking(ks, domain, 'value'),
    keys.stalledProducts(ks, domain),
  ];
  const keyIndex = (key: string) => scriptKeys.push(key); // 1-based, as Lua's KEYS
  const payload = {
    p: `${input.topic}:${input.partition}`,
    e: input.epoch,
    ev: input.events.map((e) => [e.offset, e.dedupKey]),
    inc: [] as [number, string, string][],
    cnt: [] as [number, string, number][],
    min: [] as [number, string, number][],
    max: [] as [number, string, number][],
    st: [] as [number, string, number, string, string, number, string][],
    score: [] as [number, string[]][],
    rank: [] as [number, number, string][],
    stall: [] as [string, number][],
    movers: [] as [number, number, string][],
    products: [] as string[],
    keep: MOVERS_KEPT,
  };
  const next = new Map<string, ScopeAggregate>();
  const scores = new Map<string, { scope: DomainScope; score: ScopeScore }>();

  for (const [id, d] of deltas) {
    const agg = keyIndex(keys.scopeAggregate(ks, domain, d.scope));
    const standingKey = keyIndex(keys.scopeStanding(ks, domain, d.scope));
    const scoreKey = keyIndex(keys.scopeScore(ks, domain, d.scope));
    const moverKeys = {
      momentum: keyIndex(keys.scopeMovers(ks, domain, d.scope, 'momentum')),
      value: keyIndex(keys.scopeMovers(ks, domain, d.scope, 'value')),
    };
    if (d.eventCount > 0) {
      for (const metric of METRICS) {
        payload.inc.push([agg, AGGREGATE_FIELDS.anchored(metric), String(d.anchored[metric])]);
        for (const [day, amount] of d.anchoredByDay[metric]) {
          payload.inc.push([agg, AGGREGATE_FIELDS.anchoredDay(metric, day), String(amount)]);
        }
        const top = d.movers[metric].sort((a, b) => b[0] - a[0]).slice(0, MOVERS_KEPT);
        for (const [weight, member] of top) payload.movers.push([moverKeys[metric], weight, member]);
      }
      for (const [day, counts] of d.countsByDay) {
        for (const [type, n] of counts) payload.cnt.push([agg, AGGREGATE_FIELDS.countDay(day, type), n]);
      }
      payload.cnt.push([agg, AGGREGATE_FIELDS.eventCount, d.eventCount]);
      if (d.first !== null) payload.min.push([agg, AGGREGATE_FIELDS.firstEventMs, d.first]);
      if (d.last !== null) payload.max.push([agg, AGGREGATE_FIELDS.lastEventMs, d.last]);
      if (d.lastPositive !== null)
        payload.max.push([agg, AGGREGATE_FIELDS.lastPositiveMomentumMs, d.lastPositive]);
      for (const [entity, e] of d.standing) {
        payload.st.push([standingKey, entity, e.timeMs, e.id, e.source, e.gained ? 1 : 0, JSON.stringify(e)]);
      }
      if (d.scope.kind === 'product') payload.products.push(d.scope.productId);
    }
    const after = mergeAggregates(input.current.get(id) ?? emptyAggregate(), deltaToAggregate(d));
    const score = scoreOf(after, input.asOfMs, config);
    next.set(id, after);
    scores.set(id, { scope: d.scope, score });
    payload.score.push([scoreKey, Object.entries(scoreToFields(score)).flat()]);
    if (d.scope.kind === 'product') {
      payload.rank.push([score.momentum.score, score.value.score, d.scope.productId]);
      payload.stall.push([d.scope.productId, score.stall.stalled ? 1 : 0]);
    }
  }
  return { keys: scriptKeys, payload: JSON.stringify(payload), next, scores };
}
