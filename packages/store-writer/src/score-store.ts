import type { ChainableCommander, Result } from 'ioredis';
import { ScopeState, type EventType, type ScoringConfig } from '@mesh-momentum/scoring';
import { FencedWriteError, StoreUnavailableError } from '@mesh-momentum/common';
import {
  keys,
  PROGRESS_FIELDS,
  scopeId,
  scoreToFields,
  type KeySpace,
  type RedisClient,
  type RoutedCommand,
  type MeshChanged,
} from '@mesh-momentum/store';
import { planDomainBatch, type BatchEvent } from './domain-batch-plan.ts';
import { meshStallAfter } from './mesh-stall.ts';
import { loadDomains, versionsOf } from './domain-loader.ts';
import { execPipeline, execRouted, replyAt, replyError } from './redis-replies.ts';
import { SCRIPT_STATUS, withStoreScripts } from './scripts.ts';
import {
  HEAP_BYTES_PER_DAY_BUCKET,
  MirrorCache,
  type DomainMirror,
  type MirrorStats,
} from './mirror-cache.ts';

type ApplyReply = number[];

declare module 'ioredis' {
  interface RedisCommander<Context> {
    mmApplyDomainBatch(numKeys: number, ...args: (string | number)[]): Result<ApplyReply, Context>;
  }
}

export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  /** Fencing epoch taken when this instance was assigned the partition. */
  readonly epoch: number;
  /** The instant the written scores are computed for (normally now). */
  readonly asOfMs: number;
  /** The batch's events by domain, in offset order; duplicates inside the batch may be present. */
  readonly byDomain: ReadonlyMap<string, readonly BatchEvent[]>;
}

export interface ApplyResult {
  readonly applied: number;
  readonly skipped: number;
  readonly appliedByType: ReadonlyMap<EventType, number>;
}

export interface ScoreStoreOptions {
  /** MM_PROCESSOR_DEDUP_WINDOW_DAYS: how far apart (by record timestamp) copies of an event are recognised. */
  readonly dedupWindowDays?: number;
  /**
   * Heap the in-memory mirrors may take before the least recently used are dropped (MirrorCache),
   * bytes, estimated at HEAP_BYTES_PER_DAY_BUCKET per day bucket. @defaultValue Infinity
   */
  readonly mirrorMaxBytes?: number;
}

/** The de-duplication window when none is configured, days (the MM_PROCESSOR_DEDUP_WINDOW_DAYS default). */
export const DEFAULT_DEDUP_WINDOW_DAYS = 7;

/** Scopes whose scores one call of the apply script rewrites at most, in the periodic refresh. */
const REFRESH_SCOPES_PER_CALL = 500;

/**
 * Attempts at re-planning a domain whose batch met duplicates (each attempt removes at least one) or a
 * version other than its mirror's (another writer, or a Redis that lost writes).
 */
const MAX_REPLANS = 5;

/**
 * Writes the processor's effects into Redis. One Kafka batch becomes one pipeline with one apply-script
 * call per domain (atomic within the domain's slot), so a batch costs one round trip however many
 * events it has. The scores written with each batch are computed here from an in-memory mirror of the
 * domain's aggregates, which is loaded from Redis on first use and kept in step by this instance's own
 * writes; fencing refuses the writes of an instance that lost the partition (its mirror is dropped).
 */
export class ScoreStore {
  readonly #redis: RedisClient;
  readonly #keySpace: KeySpace;
  readonly #config: ScoringConfig;
  readonly #dedupWindowMs: number;
  readonly #mirrors: MirrorCache;
  /** Domains known to be in the mesh's domain set (written once, not with every batch). */
  readonly #listed = new Set<string>();
  /** Per domain, the apply or refresh in progress (see #exclusive). */
  readonly #busy = new Map<string, Promise<undefined>>();

  constructor(
    redis: RedisClient,
    keySpace: KeySpace,
    config: ScoringConfig,
    options: ScoreStoreOptions = {},
  ) {
    this.#redis = redis;
    this.#keySpace = keySpace;
    this.#config = config;
    this.#dedupWindowMs = (options.dedupWindowDays ?? DEFAULT_DEDUP_WINDOW_DAYS) * 86_400_000;
    this.#mirrors = new MirrorCache(
      Math.floor((options.mirrorMaxBytes ?? Number.POSITIVE_INFINITY) / HEAP_BYTES_PER_DAY_BUCKET),
    );
    withStoreScripts(redis);
  }

  get keySpace(): KeySpace {
    return this.#keySpace;
  }

  /** A new fencing epoch for a partition, taken when this instance is assigned it. */
  async takeEpoch(topic: string, partition: number): Promise<number> {
    try {
      return await this.#redis.incr(keys.partitionEpoch(this.#keySpace, topic, partition));
    } catch (error) {
      throw replyError(error, 'taking an epoch failed');
    }
  }

  /** Records that everything before `nextOffset` of the partition is applied (or dead-lettered). */
  async recordPartitionProgress(topic: string, partition: number, nextOffset: string): Promise<void> {
    try {
      await this.#redis.hset(
        keys.partitionProgress(this.#keySpace),
        PROGRESS_FIELDS.partition(topic, partition),
        nextOffset,
      );
    } catch (error) {
      throw replyError(error, 'recording progress failed');
    }
  }

  /** The next offset to process for a partition in this namespace, or undefined if none was recorded. */
  async partitionProgress(topic: string, partition: number): Promise<string | undefined> {
    try {
      return (
        (await this.#redis.hget(
          keys.partitionProgress(this.#keySpace),
          PROGRESS_FIELDS.partition(topic, partition),
        )) ?? undefined
      );
    } catch (error) {
      throw replyError(error, 'reading progress failed');
    }
  }

  /**
   * What the in-memory mirrors hold (for the processor's metrics and the benchmark): domains, scopes,
   * day buckets (two metric series and the counts series per scope) and standing entries.
   */
  mirrorStats(): MirrorStats {
    return this.#mirrors.stats();
  }

  /** Drops every mirror and what this instance owns: after a rebalance, domains may be another's now. */
  forgetAll(): void {
    this.#mirrors.clear();
    this.#listed.clear();
  }

  /**
   * Drops every mirror but keeps the domains owned (a Redis reconnect, an abandoned batch): the
   * partitions are still this instance's, so the tick keeps refreshing quiet domains, reading each
   * from Redis first.
   */
  forgetMirrors(): void {
    this.#mirrors.dropMirrors();
    this.#listed.clear();
  }

  /**
   * Runs `work` once no earlier work on any of `domains` is pending. A batch and the tick plan from the
   * same mirror and write the same score hashes: one after the other, never from a mirror the other is
   * about to change. Waiters only wait on work registered before them, so there is no cycle.
   */
  async #exclusive<T>(domains: Iterable<string>, work: () => Promise<T>): Promise<T> {
    let done: () => void = () => undefined;
    const mine = new Promise<undefined>((resolve) => (done = () => resolve(undefined)));
    const owned = [...new Set(domains)];
    const earlier = owned.map((d) => this.#busy.get(d)).filter((p) => p !== undefined);
    for (const d of owned) this.#busy.set(d, mine);
    try {
      await Promise.all(earlier);
      return await work();
    } finally {
      done();
      for (const d of owned) if (this.#busy.get(d) === mine) this.#busy.delete(d);
    }
  }

  applyPartitionBatch(batch: PartitionBatch): Promise<ApplyResult> {
    return this.#exclusive(batch.byDomain.keys(), () => this.#applyPartitionBatch(batch));
  }

  async #applyPartitionBatch(batch: PartitionBatch): Promise<ApplyResult> {
    let skipped = 0;
    const pending = new Map<string, BatchEvent[]>();
    for (const [domain, events] of batch.byDomain) {
      const unique = withinBatchUnique(events, this.#dedupWindowMs);
      skipped += events.length - unique.length;
      pending.set(domain, unique);
    }
    await this.#ensureMirrors([...pending.keys()], batch.topic, batch.partition);

    const appliedByType = new Map<EventType, number>();
    let applied = 0;
    for (let attempt = 0; pending.size > 0; attempt++) {
      if (attempt > MAX_REPLANS)
        throw new StoreUnavailableError(
          'apply kept meeting new duplicates or a moving domain version; retrying the batch',
        );
      const plans = [...pending].map(([domain, events]) => ({
        domain,
        events,
        plan: planDomainBatch({
          keySpace: this.#keySpace,
          domain,
          topic: batch.topic,
          partition: batch.partition,
          epoch: batch.epoch,
          dedupWindowMs: this.#dedupWindowMs,
          asOfMs: batch.asOfMs,
          config: this.#config,
          events,
          mirror: this.#mirrorOf(domain).scopes,
          version: this.#mirrorOf(domain).version,
        }),
      }));
      // One pipeline per Redis (per cluster node): every script call stays in its domain's slot.
      const commands = plans.map(({ plan }) => this.#applyCommand(plan.keys, plan.payload));
      // The mesh's domain list: a domain this instance mirrors is in it already.
      const fresh = [...pending.keys()].filter((d) => !this.#listed.has(d));
      const domainsKey = keys.domains(this.#keySpace);
      if (fresh.length > 0) commands.push({ key: domainsKey, queue: (p) => p.sadd(domainsKey, ...fresh) });

      const stale: string[] = [];
      // Planning merged every domain's batch into its mirror: until a domain's reply says "applied",
      // its mirror may be ahead of Redis and must not be used again.
      const unconfirmed = new Set(plans.map((p) => p.domain));
      try {
        const replies = await execRouted(this.#redis, commands);
        const [listError] = fresh.length > 0 ? (replies[plans.length] ?? [null]) : [null];
        if (listError) throw replyError(listError, 'recording the domains failed');
        for (const d of fresh) this.#listed.add(d);
        for (const [i, { domain, events }] of plans.entries()) {
          const reply = replyAt(replies, i, 'apply script failed');
          const [status, ...rest] = reply as ApplyReply;
          if (status === SCRIPT_STATUS.FENCED) {
            throw new FencedWriteError(
              batch.partition,
              `domain ${domain}: partition ${batch.topic}:${batch.partition} is owned by a newer assignment than epoch ${batch.epoch}`,
            );
          }
          if (status === SCRIPT_STATUS.STALE) {
            // Redis holds another version than the mirror: read the domain again and re-plan.
            stale.push(domain);
            continue;
          }
          if (status === SCRIPT_STATUS.DUPLICATES) {
            const duplicates = new Set(rest);
            skipped += duplicates.size;
            pending.set(
              domain,
              events.filter((_, index) => !duplicates.has(index)),
            );
            stale.push(domain);
            continue;
          }
          unconfirmed.delete(domain);
          const mirror = this.#mirrors.get(domain);
          if (mirror && events.length > 0) mirror.version += 1;
          this.#mirrors.recount(domain);
          applied += events.length;
          for (const { event } of events)
            appliedByType.set(event.type, (appliedByType.get(event.type) ?? 0) + 1);
          pending.delete(domain);
        }
      } finally {
        for (const domain of unconfirmed) this.#mirrors.delete(domain);
      }
      if (stale.length > 0) {
        // Someone (an earlier run of ours, before a crash or a lost reply) applied part of this batch,
        // or Redis holds another version than the mirror: read the truth again before re-planning.
        await this.#ensureMirrors(stale, batch.topic, batch.partition);
      }
    }
    this.#evictOverBudget();
    return { applied, skipped, appliedByType };
  }

  /**
   * Recomputes and rewrites the scores of every scope this instance holds, as of `asOfMs` (the periodic
   * tick: decay moves scores even when no event arrives). Fenced like a batch. One domain at a time,
   * in scripts of at most REFRESH_SCOPES_PER_CALL scopes: a domain of thousands of products rewritten
   * in one go would hold up Redis, and every other domain's batches, for a noticeable while.
   */
  async refreshOwned(
    asOfMs: number,
    epochOf: (topic: string, partition: number) => number | undefined,
  ): Promise<number> {
    let refreshed = 0;
    // Mirrored domains first; then the ones read again for this refresh alone (dropped for the budget
    // or after a failed write: decay moves every owned domain's scores), each let go again at once
    // while over budget, so a cycle through more domains than fit never pushes out the hot mirrors.
    const owned = this.#mirrors.owned();
    const ordered = [
      ...owned.filter(([d]) => this.#mirrors.has(d)),
      ...owned.filter(([d]) => !this.#mirrors.has(d)),
    ];
    for (const [domain, { topic, partition }] of ordered) {
      if (epochOf(topic, partition) === undefined) continue;
      const readAgain = !this.#mirrors.has(domain);
      const done = await this.#exclusive([domain], async () => {
        await this.#ensureMirrors([domain], topic, partition);
        const ok = await this.#refreshDomain(domain, asOfMs, epochOf);
        if (readAgain && this.#mirrors.overBudget()) this.#mirrors.delete(domain);
        return ok;
      });
      if (done) refreshed++;
      this.#evictOverBudget();
    }
    return refreshed;
  }

  /** Keeps the mirrors within their budget, never dropping one a batch or refresh is using. */
  #evictOverBudget(): void {
    this.#mirrors.evictOverBudget((domain) => this.#busy.has(domain));
  }

  async #refreshDomain(
    domain: string,
    asOfMs: number,
    epochOf: (topic: string, partition: number) => number | undefined,
  ): Promise<boolean> {
    const mirror = this.#mirrors.get(domain);
    const epoch = mirror && epochOf(mirror.topic, mirror.partition);
    if (!mirror || epoch === undefined) return false;
    const scopes = [...mirror.scopes.values()].map((s) => s.scope);
    const commands: RoutedCommand[] = [];
    for (let from = 0; from < scopes.length; from += REFRESH_SCOPES_PER_CALL) {
      const plan = planDomainBatch({
        keySpace: this.#keySpace,
        domain,
        topic: mirror.topic,
        partition: mirror.partition,
        epoch,
        dedupWindowMs: this.#dedupWindowMs,
        asOfMs,
        config: this.#config,
        events: [],
        mirror: mirror.scopes,
        version: mirror.version,
        refreshScopes: scopes.slice(from, from + REFRESH_SCOPES_PER_CALL),
      });
      commands.push(this.#applyCommand(plan.keys, plan.payload));
    }
    for (const [error, reply] of await execRouted(this.#redis, commands)) {
      if (error) throw replyError(error, 'score refresh failed');
      // Fenced: another instance owns the domain now; stop refreshing it from a mirror that ages.
      // Stale: the mirror is not what Redis holds; the next batch reads it again.
      const status = (reply as ApplyReply)[0];
      if (status === SCRIPT_STATUS.FENCED) {
        this.#mirrors.disown(domain);
        return false;
      }
      if (status === SCRIPT_STATUS.STALE) {
        this.#mirrors.delete(domain);
        return false;
      }
    }
    return true;
  }

  /**
   * Mesh-wide figures derived from the domains' aggregates (decayed sums add up): the mesh score, the
   * domain rankings and the set of stalled scopes. Cross-slot, so plain commands, not one script;
   * any instance may run it, and running it twice writes the same values.
   */
  async refreshMesh(asOfMs: number): Promise<void> {
    const ks = this.#keySpace;
    const domains = await this.#redis.smembers(keys.domains(ks)).catch((error: unknown) => {
      throw replyError(error, 'reading domains failed');
    });
    if (domains.length === 0) return;
    const held = await this.#redis
      .hmget(keys.meshScore(ks), 'stalled', 'stalledSinceMs', 'stallReason')
      .catch((error: unknown) => {
        throw replyError(error, 'reading the mesh score failed');
      });
    // Domain aggregates only: decayed sums add up, so the mesh needs nothing finer, and products keep
    // their own rankings and stall flags in their domain's slot. A domain this instance holds a mirror
    // of, with no batch in flight, is what Redis holds: it is used as is (synchronously, before any
    // await lets a batch change it); only the others are read, a year of buckets each. (A zombie that
    // has not noticed losing its partitions may write a mesh score from an aging mirror; the owner's
    // next refresh, a second later, writes over it. Mesh figures are derived, never accumulated.)
    const mesh = new ScopeState();
    // One transaction (every key carries the {mesh} tag): a reader never sees the stalled set emptied
    // and not yet refilled.
    const pipeline = this.#redis.multi();
    const stalled: string[] = [];
    const addDomain = (domain: string, state: ScopeState) => {
      const score = state.score(asOfMs, this.#config, { kind: 'domain' });
      mesh.merge(state);
      pipeline.zadd(keys.domainRanking(ks, 'momentum'), score.momentum.score, domain);
      pipeline.zadd(keys.domainRanking(ks, 'value'), score.value.score, domain);
      if (score.stall.stalled) stalled.push(domain);
    };
    const domainId = scopeId({ kind: 'domain' });
    const toRead: string[] = [];
    for (const domain of domains) {
      const mirrored = this.#busy.has(domain) ? undefined : this.#mirrors.get(domain)?.scopes.get(domainId);
      if (mirrored) addDomain(domain, mirrored.state);
      else toRead.push(domain);
    }
    for (const [domain, scopes] of await loadDomains(this.#redis, this.#keySpace, toRead, false)) {
      const state = scopes.get(domainId)?.state;
      if (state) addDomain(domain, state);
    }
    const meshScore = mesh.score(asOfMs, this.#config, { kind: 'mesh' });
    if (meshScore.stall.stalled) stalled.push('mesh');
    const { stalledSinceMs, transition } = meshStallAfter(held, meshScore, asOfMs);
    pipeline.hset(keys.meshScore(ks), { ...scoreToFields(meshScore), stalledSinceMs });
    pipeline.del(keys.stalled(ks));
    if (stalled.length > 0) pipeline.sadd(keys.stalled(ks), ...stalled);
    // Announced inside the transaction: a reader woken by it reads the new figures.
    const channel = keys.changesChannel(ks);
    pipeline.publish(channel, JSON.stringify({ t: 'mesh', asOfMs } satisfies MeshChanged));
    if (transition) pipeline.publish(channel, JSON.stringify(transition));
    const replies = await execPipeline(pipeline);
    for (const [error] of replies) {
      if (error) throw replyError(error, 'mesh refresh failed');
    }
  }

  /** One call of the apply script; its keys all carry the domain's hash tag (one slot). */
  #applyCommand(scriptKeys: readonly string[], payload: string): RoutedCommand {
    const channel = keys.changesChannel(this.#keySpace);
    return {
      key: scriptKeys[0] ?? channel,
      queue: (pipeline: ChainableCommander) =>
        pipeline.mmApplyDomainBatch(scriptKeys.length, ...scriptKeys, payload, channel),
    };
  }

  /** The domain's mirror, which #ensureMirrors loaded before the batch was planned. */
  #mirrorOf(domain: string): DomainMirror {
    const mirror = this.#mirrors.get(domain);
    // Only when the mirrors were dropped (Redis reconnected, partitions reassigned) while this batch
    // was loading them: retry the batch, which loads them again.
    if (!mirror) throw new StoreUnavailableError(`the mirror of domain ${domain} was dropped while loading`);
    return mirror;
  }

  async #ensureMirrors(domains: readonly string[], topic: string, partition: number): Promise<void> {
    const missing = domains.filter((d) => !this.#mirrors.has(d));
    if (missing.length > 0) {
      // The version is read BEFORE the state: a write landing in between makes the mirror newer than
      // its version, which the script refuses (stale) rather than overwrite.
      const versions = await versionsOf(this.#redis, this.#keySpace, missing);
      for (const [domain, scopes] of await loadDomains(this.#redis, this.#keySpace, missing, true)) {
        this.#mirrors.set(domain, { scopes, topic, partition, version: versions.get(domain) ?? 0 });
      }
    }
    for (const d of domains) this.#mirrors.touch(d, topic, partition);
  }
}

/**
 * The batch without copies of an event it already holds, judged as the apply script judges copies
 * across batches: a copy is one when an earlier copy was recorded in its record's period or a
 * neighbouring one. (Dropping every in-batch copy would make the outcome depend on how records were batched.)
 */
function withinBatchUnique(events: readonly BatchEvent[], windowMs: number): BatchEvent[] {
  const recorded = new Map<string, number[]>();
  return events.filter((e) => {
    const period = Math.floor(e.recordTimeMs / windowMs);
    const periods = recorded.get(e.dedupKey);
    if (periods?.some((p) => Math.abs(p - period) <= 1)) return false;
    if (periods) periods.push(period);
    else recorded.set(e.dedupKey, [period]);
    return true;
  });
}
