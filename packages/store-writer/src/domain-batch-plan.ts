import {
  METRICS,
  prepareEvent,
  productIdsOf,
  ScopeState,
  type Metric,
  type PreparedEvent,
  type ScopeScore,
  type ScoringConfig,
  type ScoringEvent,
} from '@mesh-momentum/scoring';
import {
  keys,
  moversKept,
  PROGRESS_FIELDS,
  SCORE_FIELDS,
  scopeId,
  scoreFieldValues,
  type DomainScope,
  type KeySpace,
} from '@mesh-momentum/store';
import { changedFieldsOf, retentionFieldsOf } from './aggregate-writes.ts';
import { boundOf, selectMovers, type MoversBound } from './movers-bound.ts';

/** One decoded, validated event of the batch, with where it came from. */
export interface BatchEvent {
  readonly offset: string;
  /** The Kafka record's timestamp: which de-duplication period the event is looked up and recorded in. */
  readonly recordTimeMs: number;
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
  /** The de-duplication window (MM_PROCESSOR_DEDUP_WINDOW_DAYS), ms. */
  readonly dedupWindowMs: number;
  /**
   * The domain's version the mirror was read at (plus one per batch applied since): the script refuses
   * the batch unless Redis holds exactly this version, since it writes values computed from the mirror.
   */
  readonly version: number;
  /**
   * The domain's `seq` progress field the mirror's written scores (`ScopeMirror.written`) were read or
   * written at (plus one per call applied since): the script refuses the call unless Redis holds it,
   * since it writes only the score fields that differ from them.
   */
  readonly seq: number;
  /** The instant the written scores are computed for (normally now). */
  readonly asOfMs: number;
  readonly config: ScoringConfig;
  /** The domain's events of this batch, without in-batch duplicates. May be empty (scores refresh only). */
  readonly events: readonly BatchEvent[];
  /**
   * The domain's scope states as they are in Redis before the batch, by scope id (a missing scope is
   * empty). The plan MERGES THE BATCH INTO THEM IN PLACE and adds the scopes it creates, so the caller
   * must discard them unless the script reports the batch applied.
   */
  readonly mirror: Map<string, ScopeMirror>;
  /** Scopes whose scores must be rewritten even without events (the periodic tick). */
  readonly refreshScopes?: readonly DomainScope[];
}

/** One scope's state in an instance's memory, mirroring its Redis hashes. */
export interface ScopeMirror {
  readonly scope: DomainScope;
  readonly state: ScopeState;
  readonly movers: Record<Metric, MoversBound>;
  /** The scope's keys, built once (a batch touches hundreds of scopes). */
  readonly keys: ScopeKeys;
  /**
   * The score hash's values as last written, SCORE_FIELDS order (`stalledSinceMs` not kept: only its
   * flag's changes matter); undefined while unknown (read from Redis, not yet written): all are sent.
   */
  written?: string[];
}

export interface ScopeKeys {
  readonly aggregate: string;
  readonly standing: string;
  readonly score: string;
  readonly movers: Readonly<Record<Metric, string>>;
}

/** The mirror of a scope with no state in Redis yet. */
export function emptyScopeMirror(ks: KeySpace, domain: string, scope: DomainScope): ScopeMirror {
  return {
    scope,
    state: new ScopeState(),
    movers: {
      momentum: boundOf(0, undefined, moversKept(scope)),
      value: boundOf(0, undefined, moversKept(scope)),
    },
    keys: {
      aggregate: keys.scopeAggregate(ks, domain, scope),
      standing: keys.scopeStanding(ks, domain, scope),
      score: keys.scopeScore(ks, domain, scope),
      movers: {
        momentum: keys.scopeMovers(ks, domain, scope, 'momentum'),
        value: keys.scopeMovers(ks, domain, scope, 'value'),
      },
    },
  };
}

export interface DomainBatchPlan {
  /** KEYS of the apply script (all in the domain's slot). */
  readonly keys: string[];
  /** ARGV[1] of the apply script: the JSON payload its header documents. */
  readonly payload: string;
  /** Scores written for every touched scope. */
  readonly scores: ReadonlyMap<string, { scope: DomainScope; score: ScopeScore }>;
}

const MOMENTUM = SCORE_FIELDS.indexOf('momentum');
const VALUE = SCORE_FIELDS.indexOf('value');
const STALLED = SCORE_FIELDS.indexOf('stalled');
const STALLED_SINCE = SCORE_FIELDS.indexOf('stalledSinceMs');
// The script finds the stall's flag and reason two places and one place before `stalledSinceMs`.
if (SCORE_FIELDS[STALLED_SINCE - 1] !== 'stallReason' || STALLED_SINCE - 2 !== STALLED)
  throw new Error('SCORE_FIELDS must hold stalled, stallReason, stalledSinceMs in a row');

/**
 * A score hash's write as the script's `score` entry takes it: `[keyIndex, scopeId, mask, since,
 * value, ...]`, the values of the fields that differ from the ones written last (all when those are
 * unknown) in SCORE_FIELDS order, bit i of `mask` set for each field i sent, and `since` the entry's
 * 1-based place of `stalledSinceMs`'s value, or 0. The stall's flag, reason and start go together
 * whenever the flag may flip (the script fills the start in from what it held); while the flag stays,
 * the start Redis holds stays right.
 */
function scoreEntry(
  keyIndex: number,
  id: string,
  values: readonly string[],
  written: readonly string[] | undefined,
): (string | number)[] {
  const entry: (string | number)[] = [keyIndex, id, 0, 0];
  let mask = 0;
  const stallFlips = written === undefined || written[STALLED] !== values[STALLED];
  for (let i = 0, bit = 1; i < values.length; i++, bit *= 2) {
    const value = values[i] as string;
    const send =
      stallFlips && i >= STALLED && i <= STALLED_SINCE ? true : i !== STALLED_SINCE && value !== written?.[i];
    if (!send) continue;
    mask += bit;
    entry.push(value);
    if (i === STALLED_SINCE) entry[3] = entry.length;
  }
  entry[2] = mask;
  return entry;
}

/** The batch's contributions to one scope's movers set: |anchored weight| and event index, side by side. */
interface MoverCandidates {
  readonly weights: number[];
  readonly events: number[];
}

/** The batch's effect on one scope, and its movers candidates per metric. */
interface ScopeDelta {
  readonly scope: DomainScope;
  readonly delta: ScopeState;
  readonly movers: Record<Metric, MoverCandidates>;
}

/**
 * Turns one domain's share of a Kafka batch into one call of the apply script: the batch is merged
 * into the mirror (aggregated per scope first, so each field is written once per batch, not once per
 * event), and the payload carries, per touched scope, the new values of the fields that changed, the
 * standing entries the batch made the latest, the contributions that may enter the movers set, and the
 * scores after the batch, computed with the same scoring code the reference uses. No I/O, no clock;
 * the mirror is updated in place (see `DomainBatchInput.mirror`).
 */
export function planDomainBatch(input: DomainBatchInput): DomainBatchPlan {
  const { config, keySpace: ks, domain } = input;
  const deltas = new Map<string, ScopeDelta>();
  const deltaFor = (scope: DomainScope) => {
    const id = scopeId(scope);
    let d = deltas.get(id);
    if (!d) {
      const movers = {
        momentum: { weights: [], events: [] },
        value: { weights: [], events: [] },
      };
      deltas.set(id, (d = { scope, delta: new ScopeState(), movers }));
    }
    return d;
  };
  for (const scope of input.refreshScopes ?? []) deltaFor(scope);

  const prepared = input.events.map(({ event }) => prepareEvent(event, config));
  const addTo = (d: ScopeDelta, p: PreparedEvent, index: number, withStanding: boolean) => {
    d.delta.addPrepared(p, withStanding);
    for (const metric of METRICS) {
      const a = p.anchored[metric];
      if (a === 0) continue;
      const candidates = d.movers[metric];
      candidates.weights.push(Math.abs(a));
      candidates.events.push(index);
    }
  };
  // Created with the first event: a refresh of some products only must not rewrite the domain.
  let domainDelta: ScopeDelta | undefined;
  const productDeltas = new Map<string, ScopeDelta>();
  for (const [index, { event }] of input.events.entries()) {
    const p = prepared[index] as PreparedEvent;
    // Standing of a product scope holds only its own consumers and owner; the domain holds everyone.
    addTo((domainDelta ??= deltaFor({ kind: 'domain' })), p, index, true);
    const entity = p.standing?.entry.entity;
    for (const productId of productIdsOf(event)) {
      let d = productDeltas.get(productId);
      if (!d) productDeltas.set(productId, (d = deltaFor({ kind: 'product', productId })));
      addTo(d, p, index, entity === 'consumer' || entity === 'owner');
    }
  }
  // Member JSON is built only for the contributions sent, not for every candidate; an event's member
  // differs between metrics by its weight only, so the rest is built once.
  const memberHeads: (string | undefined)[] = [];
  const moverMember = (metric: Metric, index: number) => {
    let head = memberHeads[index];
    if (head === undefined) {
      const { id, source, type, timeMs } = (input.events[index] as BatchEvent).event;
      head = JSON.stringify({ id, source, type, timeMs }).slice(0, -1);
      memberHeads[index] = head;
    }
    return `${head},"weight":${JSON.stringify((prepared[index] as PreparedEvent).weights[metric])}}`;
  };

  const scriptKeys = [
    keys.domainProgress(ks, domain),
    keys.domainProducts(ks, domain),
    keys.productRanking(ks, domain, 'momentum'),
    keys.productRanking(ks, domain, 'value'),
    keys.stalledProducts(ks, domain),
  ];
  const keyIndex = (key: string) => scriptKeys.push(key); // 1-based, as Lua's KEYS
  // Each event is looked up in its record's period and both neighbours (copies' record timestamps may
  // go backwards), and recorded in its own.
  const periodKeys = new Map<number, number>();
  const periodKey = (period: number) => {
    let index = periodKeys.get(period);
    if (index === undefined)
      periodKeys.set(period, (index = keyIndex(keys.domainSeenEvents(ks, domain, window, period))));
    return index;
  };
  const window = input.dedupWindowMs;
  const recorded = new Map<number, number>(); // key index → end of its period
  // Five values per event in one flat list (the script's header): no array per event, on either side.
  const ev: (string | number)[] = [];
  for (const e of input.events) {
    const period = Math.floor(e.recordTimeMs / window);
    const own = periodKey(period);
    recorded.set(own, (period + 1) * window);
    ev.push(e.offset, e.dedupKey, own, periodKey(period - 1), periodKey(period + 1));
  }
  const payload = {
    p: PROGRESS_FIELDS.partition(input.topic, input.partition),
    e: input.epoch,
    v: input.version,
    ev,
    seenEnd: [...recorded],
    window,
    d: domain,
    agg: [] as [number, string[]][],
    del: [] as [number, string[]][],
    st: [] as [number, string[]][],
    q: input.seq,
    at: String(input.asOfMs),
    sf: SCORE_FIELDS,
    score: [] as (string | number)[][],
    // Sorted-set scores as strings (the script passes them to ZADD as they are): String(x) is the
    // shortest decimal that reads back as the same double.
    rankM: [] as string[],
    rankV: [] as string[],
    stall: [] as [string, number][],
    movers: [] as [number, string[], number][],
    products: [] as string[],
  };
  const scores = new Map<string, { scope: DomainScope; score: ScopeScore }>();

  for (const [id, { scope, delta, movers }] of deltas) {
    let mirrored = input.mirror.get(id);
    if (!mirrored) input.mirror.set(id, (mirrored = emptyScopeMirror(ks, domain, scope)));
    const scoreKey = keyIndex(mirrored.keys.score);
    // The batch goes into the mirror first: the script writes the values after it.
    mirrored.state.merge(delta);
    if (delta.eventCount > 0) {
      payload.agg.push([keyIndex(mirrored.keys.aggregate), changedFieldsOf(delta, mirrored.state)]);
      // Entities whose latest entry is now one of this batch's (an older one changes nothing).
      const standing: string[] = [];
      for (const [entity, entry] of delta.standing.entries()) {
        if (mirrored.state.standing.get(entity) === entry) standing.push(entity, JSON.stringify(entry));
      }
      if (standing.length > 0) payload.st.push([keyIndex(mirrored.keys.standing), standing]);
      for (const metric of METRICS) {
        const kept = moversKept(scope);
        const candidates = movers[metric];
        const { sent, trim } = selectMovers(mirrored.movers[metric], candidates.weights, kept);
        if (sent.length === 0) continue;
        const members: string[] = [];
        for (const at of sent) {
          members.push(String(candidates.weights[at]), moverMember(metric, candidates.events[at] as number));
        }
        payload.movers.push([keyIndex(mirrored.keys.movers[metric]), members, trim ? kept : 0]);
      }
      if (scope.kind === 'product') payload.products.push(scope.productId);
    }
    // Retention runs for quiet scopes too (the refresh brings them here daily): they hold the old days.
    const retained = retentionFieldsOf(mirrored.state, input.asOfMs, config);
    if (retained) {
      const aggregateKey = keyIndex(mirrored.keys.aggregate);
      if (retained.set.length > 0) payload.agg.push([aggregateKey, retained.set]);
      if (retained.del.length > 0) payload.del.push([aggregateKey, retained.del]);
    }
    const score = mirrored.state.score(input.asOfMs, config, { kind: scope.kind });
    scores.set(id, { scope, score });
    const values = scoreFieldValues(score);
    const written = mirrored.written;
    mirrored.written = values;
    payload.score.push(scoreEntry(scoreKey, id, values, written));
    if (scope.kind === 'product') {
      if (values[MOMENTUM] !== written?.[MOMENTUM])
        payload.rankM.push(values[MOMENTUM] as string, scope.productId);
      if (values[VALUE] !== written?.[VALUE]) payload.rankV.push(values[VALUE] as string, scope.productId);
      if (values[STALLED] !== written?.[STALLED])
        payload.stall.push([scope.productId, score.stall.stalled ? 1 : 0]);
    }
  }
  return { keys: scriptKeys, payload: JSON.stringify(payload), scores };
}
