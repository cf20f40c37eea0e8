import { redisCall } from '@mesh-momentum/common';
import { DEFAULT_SCORING_CONFIG, ScopeState, type ScoringConfig } from '@mesh-momentum/scoring';
import { aggregateFromHashes } from './aggregate-fields.ts';
import { HISTORY_DEFAULT_DAYS, historyOf, type HistoryPoint } from './history.ts';
import { keys, type KeySpace, type RankedMetric } from './keys.ts';
import type { Mover } from './movers.ts';
import { PROGRESS_FIELDS } from './progress-fields.ts';
import { readRanking, readRankOf, type RankingPage, type RankingQuery, type RankOf } from './rankings.ts';
import { scoreFromFields, type StoredScore } from './score-fields.ts';
import { domainRef, domainScopeOf, productRef, refKey, tagOf, MESH_REF, type ScopeRef } from './scope-ref.ts';
import { SlotReads, type ReadClient } from './slot-reads.ts';

/** A stalled scope, with the evidence the score hash keeps. */
export interface StalledScope {
  readonly ref: ScopeRef;
  readonly reason: NonNullable<StoredScore['stallReason']>;
  /** Since when it has been stalled without interruption, ms since the epoch. */
  readonly stalledSinceMs: number | undefined;
  /** The last momentum-building event, ms since the epoch (undefined: none ever). */
  readonly lastPositiveEventMs: number | undefined;
  readonly score: StoredScore;
}

/** A scope's daily series for a chart. */
export interface ScopeHistory {
  readonly ref: ScopeRef;
  /** The instant of the last point (the score's asOf unless the caller gave one). */
  readonly asOfMs: number;
  /** Oldest first, one point per UTC day, the last one for the day of `asOfMs`. */
  readonly points: readonly HistoryPoint[];
}

export interface HistoryOptions {
  /** Points wanted, 1..HISTORY_MAX_DAYS; @defaultValue HISTORY_DEFAULT_DAYS (365) */
  readonly days?: number;
  /** The instant of the last point; @defaultValue the scope's stored score's asOfMs */
  readonly asOfMs?: number;
}

/**
 * Everything a reader reads in one read cycle, under ONE namespace resolved when the snapshot was taken
 * (`MomentumReader.snapshot()`): a rebuild switching the namespace meanwhile does not mix old and new
 * keys into one view. Take a new snapshot per cycle (a dashboard request, an alerter evaluation).
 * Every multi-scope read costs one round trip per slot touched (see `SlotReads`), whatever the count.
 * A read Redis fails throws the coded error `redisFailure` makes of it: MM_ERR_STORE_UNAVAILABLE
 * (retriable, HTTP 503) while Redis is unreachable, failing over or loading; MM_ERR_STORE_REPLY when
 * Redis refuses the read for good (a key of the wrong type).
 */
export class ReadSnapshot {
  readonly keySpace: KeySpace;
  readonly #client: ReadClient;
  readonly #scoring: ScoringConfig;

  constructor(client: ReadClient, keySpace: KeySpace, scoring: ScoringConfig = DEFAULT_SCORING_CONFIG) {
    this.#client = client;
    this.keySpace = keySpace;
    this.#scoring = scoring;
  }

  get namespace(): string {
    return this.keySpace.namespace;
  }

  /** Domains with an applied event, sorted. */
  async domains(): Promise<string[]> {
    const key = keys.domains(this.keySpace);
    return (await redisCall('reading the domains', () => this.#client.smembers(key))).sort();
  }

  /** Each domain's data products (sorted), for the given domains or all of them. */
  async products(domains?: readonly string[]): Promise<Map<string, string[]>> {
    const list = domains ?? (await this.domains());
    const reads = new SlotReads(this.#client);
    const replies = list.map((d) =>
      reads.queue<string[]>(d, (p) => p.smembers(keys.domainProducts(this.keySpace, d))),
    );
    await reads.run();
    return new Map(list.map((d, i) => [d, [...(replies[i]?.value ?? [])].sort()]));
  }

  /** Every scope: the mesh, each domain and each of its products. */
  async allScopes(): Promise<ScopeRef[]> {
    const refs: ScopeRef[] = [MESH_REF];
    for (const [domain, products] of await this.products()) {
      refs.push(domainRef(domain), ...products.map((p) => productRef(domain, p)));
    }
    return refs;
  }

  #scoreKey(ref: ScopeRef): string {
    const scope = domainScopeOf(ref);
    return scope && ref.kind !== 'mesh'
      ? keys.scopeScore(this.keySpace, ref.domain, scope)
      : keys.meshScore(this.keySpace);
  }

  /** Current scores of many scopes, by `refKey`; scopes without a score are absent. */
  async scores(refs: readonly ScopeRef[]): Promise<Map<string, StoredScore>> {
    const reads = new SlotReads(this.#client);
    const replies = refs.map((ref) =>
      reads.queue<Record<string, string>>(tagOf(ref), (p) => p.hgetall(this.#scoreKey(ref))),
    );
    await reads.run();
    const out = new Map<string, StoredScore>();
    for (const [i, ref] of refs.entries()) {
      const score = scoreFromFields(replies[i]?.value ?? {});
      if (score) out.set(refKey(ref), score);
    }
    return out;
  }

  async score(ref: ScopeRef): Promise<StoredScore | undefined> {
    return (await this.scores([ref])).get(refKey(ref));
  }

  /** One page of a ranking: domains, a domain's products, or every product of the mesh. */
  ranking(query: RankingQuery): Promise<RankingPage> {
    return readRanking(this.#client, this.keySpace, query, () => this.domains());
  }

  /** A scope's 1-based rank in a ranking (ties share the better rank), or undefined when not ranked. */
  rankOf(
    ref: ScopeRef,
    metric: RankedMetric,
    within: 'domain' | 'mesh' = 'domain',
  ): Promise<RankOf | undefined> {
    return readRankOf(this.#client, this.keySpace, ref, metric, within, () => this.domains());
  }

  /**
   * Every stalled scope (the mesh, domains, products) with its reason and since when, read from the
   * score hashes (the same write that sets the flag sets the reason and the start).
   */
  async stalled(): Promise<StalledScope[]> {
    const domains = await this.domains();
    const reads = new SlotReads(this.#client);
    const sets = domains.map((d) =>
      reads.queue<string[]>(d, (p) => p.smembers(keys.stalledProducts(this.keySpace, d))),
    );
    await reads.run();
    const candidates: ScopeRef[] = [MESH_REF];
    for (const [i, domain] of domains.entries()) {
      candidates.push(domainRef(domain), ...(sets[i]?.value ?? []).sort().map((p) => productRef(domain, p)));
    }
    const scores = await this.scores(candidates);
    const out: StalledScope[] = [];
    for (const ref of candidates) {
      const score = scores.get(refKey(ref));
      if (!score?.stalled || !score.stallReason) continue;
      out.push({
        ref,
        reason: score.stallReason,
        stalledSinceMs: score.stalledSinceMs,
        lastPositiveEventMs: score.lastPositiveEventMs,
        score,
      });
    }
    return out;
  }

  /**
   * The events that moved each scope's metric most, largest first (at most `MOVERS_KEPT` per scope),
   * by `refKey`. The mesh keeps no movers: ask its domains.
   */
  async movers(refs: readonly ScopeRef[], metric: RankedMetric, limit = 10): Promise<Map<string, Mover[]>> {
    const reads = new SlotReads(this.#client);
    const wanted = refs.flatMap((ref) => {
      const scope = domainScopeOf(ref);
      if (!scope || ref.kind === 'mesh') return [];
      const key = keys.scopeMovers(this.keySpace, ref.domain, scope, metric);
      // The set holds at most MOVERS_KEPT (the apply script cuts it back), so `limit` bounds nothing more.
      return [{ ref, reply: reads.queue<string[]>(ref.domain, (p) => p.zrevrange(key, 0, limit - 1)) }];
    });
    await reads.run();
    return new Map(
      wanted.map(({ ref, reply }) => [refKey(ref), reply.value.map((m) => JSON.parse(m) as Mover)]),
    );
  }

  /**
   * Each scope's daily series of normalised and raw momentum and value (`historyOf`), computed from
   * the day buckets of its aggregate: one round trip per slot. The mesh's history merges every
   * domain's buckets (decayed sums add up). Scopes without data are absent.
   */
  async histories(
    refs: readonly ScopeRef[],
    options: HistoryOptions = {},
  ): Promise<Map<string, ScopeHistory>> {
    const needMesh = refs.some((r) => r.kind === 'mesh');
    const domains = needMesh ? await this.domains() : [];
    const reads = new SlotReads(this.#client);
    const aggregateOf = (domain: string, ref: ScopeRef) => {
      const scope = domainScopeOf(ref);
      if (!scope) throw new Error('unreachable: the mesh has no aggregate hash');
      return reads.queue<Record<string, string>>(domain, (p) =>
        p.hgetall(keys.scopeAggregate(this.keySpace, domain, scope)),
      );
    };
    const own = refs.map((ref) => (ref.kind === 'mesh' ? undefined : aggregateOf(ref.domain, ref)));
    const meshParts = domains.map((d) => aggregateOf(d, domainRef(d)));
    const scoreReplies = refs.map((ref) =>
      reads.queue<string | null>(tagOf(ref), (p) => p.hget(this.#scoreKey(ref), 'asOfMs')),
    );
    await reads.run();
    const out = new Map<string, ScopeHistory>();
    for (const [i, ref] of refs.entries()) {
      let state: ScopeState;
      if (ref.kind === 'mesh') {
        state = new ScopeState();
        for (const part of meshParts)
          state.merge(ScopeState.fromAggregate(aggregateFromHashes(part.value, {})));
      } else {
        state = ScopeState.fromAggregate(aggregateFromHashes(own[i]?.value ?? {}, {}));
      }
      const storedAsOf = scoreReplies[i]?.value;
      const asOfMs = options.asOfMs ?? (storedAsOf ? Number(storedAsOf) : undefined);
      if (state.eventCount === 0 || asOfMs === undefined) continue;
      const points = historyOf(state, ref.kind, asOfMs, options.days ?? HISTORY_DEFAULT_DAYS, this.#scoring);
      out.set(refKey(ref), { ref, asOfMs, points });
    }
    return out;
  }

  async history(ref: ScopeRef, options: HistoryOptions = {}): Promise<ScopeHistory | undefined> {
    return (await this.histories([ref], options)).get(refKey(ref));
  }

  /**
   * Each domain's `seq` (writes of its scores so far; 0 before the first): compare it with the last
   * `seq` a notification brought to find missed messages (`ChangeFeed` does).
   */
  async seqs(domains?: readonly string[]): Promise<Map<string, number>> {
    const list = domains ?? (await this.domains());
    const reads = new SlotReads(this.#client);
    const replies = list.map((d) =>
      reads.queue<string | null>(d, (p) =>
        p.hget(keys.domainProgress(this.keySpace, d), PROGRESS_FIELDS.seq),
      ),
    );
    await reads.run();
    return new Map(list.map((d, i) => [d, Number(replies[i]?.value ?? 0)]));
  }
}

/**
 * The reader every reader of ours uses (dashboard, alerter, demo). Read-only: it never writes, not even
 * the namespace pointer. `snapshot()` resolves the namespace once; read everything of a cycle from it.
 */
export class MomentumReader {
  readonly #client: ReadClient;
  readonly prefix: string;
  readonly #scoring: ScoringConfig;

  /**
   * @param client ioredis `Redis` or `Cluster` (read-only credentials suffice).
   * @param options.prefix MM_REDIS_KEY_PREFIX of the processor.
   * @param options.scoring the processor's scoring configuration (history normalises with its K and
   *   half-lives); @defaultValue DEFAULT_SCORING_CONFIG
   */
  constructor(client: ReadClient, options: { readonly prefix: string; readonly scoring?: ScoringConfig }) {
    this.#client = client;
    this.prefix = options.prefix;
    this.#scoring = options.scoring ?? DEFAULT_SCORING_CONFIG;
  }

  /** The namespace in use, or undefined before the first processor ran. */
  async namespace(): Promise<string | undefined> {
    const pointer = keys.namespacePointer(this.prefix);
    return (await redisCall('reading the namespace', () => this.#client.get(pointer))) ?? undefined;
  }

  /** A snapshot of the namespace in use now; undefined before the first processor ran. */
  async snapshot(): Promise<ReadSnapshot | undefined> {
    const namespace = await this.namespace();
    return namespace === undefined ? undefined : this.snapshotOf(namespace);
  }

  /** A snapshot of a given namespace (a rebuild's, or one announced on the namespace channel). */
  snapshotOf(namespace: string): ReadSnapshot {
    return new ReadSnapshot(this.#client, { prefix: this.prefix, namespace }, this.#scoring);
  }
}
