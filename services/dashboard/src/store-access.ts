import { alerterKeys } from '@mesh-momentum/alerting';
import { redisCall } from '@mesh-momentum/common';
import type { ScoringConfig } from '@mesh-momentum/scoring';
import {
  ChangeFeed,
  domainRef,
  MESH_REF,
  MomentumReader,
  productRef,
  refKey,
  type ChangeFeedHandlers,
  type Mover,
  type RankedMetric,
  type ReadSnapshot,
  type RedisClient,
  type ScopeRef,
  type StoredScore,
} from '@mesh-momentum/store';
import type { AlerterHashes } from './alerts.ts';
import { dashboardKeys } from './keys.ts';

/**
 * Every Redis access of the dashboard, and the only one. Scores, products, movers and history come
 * from the store's reader (`MomentumReader` → `ReadSnapshot`: one namespace per read cycle, multi-scope
 * reads batched per hash tag, so one round trip per slot and never a pipeline across slots: a Redis
 * Cluster serves it as a single Redis does); notifications and catching up after a missed one from its
 * `ChangeFeed`. Besides, single-key commands on the dashboard's own targets hash (`dashboardKeys`),
 * and reads of the alerter's state through the alert-state contract's key builder (`alerterKeys`).
 * Nothing here builds a key itself. Every failed Redis call is thrown as `redisFailure` classifies it
 * (the reader's own, and the commands here): MM_ERR_STORE_UNAVAILABLE (503, retriable) while Redis is
 * unreachable, MM_ERR_STORE_REPLY when it refuses for good.
 */

/** The mesh's and every domain's score, as read in one cycle (domains without a score are left out). */
export interface DomainScores {
  readonly mesh: StoredScore | undefined;
  /** Sorted by domain name. */
  readonly domains: readonly { readonly domain: string; readonly score: StoredScore }[];
}

/** Some domains' data products with their scores (products without a score are left out). */
export type ProductScores = ReadonlyMap<string, ReadonlyMap<string, StoredScore>>;

/** One day of a scope's history as the dashboard shows it: normalised scores at the end of the day. */
export interface DayScores {
  /** The UTC day, as the ms of its start. */
  readonly dayMs: number;
  readonly momentum: number;
  readonly value: number;
  /** Raw decayed sums (what the forecast's recent daily contributions are read from). */
  readonly momentumRaw: number;
  readonly valueRaw: number;
}

/** A running change feed and the connection it holds in subscriber mode. */
export interface Subscription {
  readonly feed: ChangeFeed;
  close(): Promise<void>;
}

export class DashboardStore {
  readonly #redis: RedisClient;
  readonly #prefix: string;
  readonly #reader: MomentumReader;
  readonly #keys: ReturnType<typeof dashboardKeys>;

  constructor(redis: RedisClient, prefix: string, scoring: ScoringConfig) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#keys = dashboardKeys(prefix);
    this.#reader = new MomentumReader(redis, { prefix, scoring });
  }

  get prefix(): string {
    return this.#prefix;
  }

  /** A snapshot of the namespace in use now (resolved once); undefined before any processor ran. */
  snapshot(): Promise<ReadSnapshot | undefined> {
    return this.#reader.snapshot();
  }

  /** A snapshot of a namespace already resolved (a request reads the namespace its view came from). */
  snapshotOf(namespace: string): ReadSnapshot {
    return this.#reader.snapshotOf(namespace);
  }

  /** The mesh score and every domain's score: one SMEMBERS, then one round trip per slot. */
  async domainScores(snapshot: ReadSnapshot): Promise<DomainScores> {
    const names = await snapshot.domains();
    // Two reads, not one: a domain called `mesh` would share the mesh's refKey in one result map.
    const [mesh, scores] = await Promise.all([
      snapshot.score(MESH_REF),
      snapshot.scores(names.map(domainRef)),
    ]);
    const domains: { domain: string; score: StoredScore }[] = [];
    for (const domain of names) {
      const score = scores.get(refKey(domainRef(domain)));
      if (score) domains.push({ domain, score });
    }
    return { mesh, domains };
  }

  /** The products of the given domains with their scores: one round trip per slot for each step. */
  async productScores(snapshot: ReadSnapshot, domains: readonly string[]): Promise<ProductScores> {
    if (domains.length === 0) return new Map();
    const products = await snapshot.products(domains);
    const refs: ScopeRef[] = [];
    for (const [domain, ids] of products) for (const id of ids) refs.push(productRef(domain, id));
    const scores = await snapshot.scores(refs);
    const out = new Map<string, Map<string, StoredScore>>();
    for (const [domain, ids] of products) {
      const byId = new Map<string, StoredScore>();
      for (const id of ids) {
        const score = scores.get(refKey(productRef(domain, id)));
        if (score) byId.set(id, score);
      }
      out.set(domain, byId);
    }
    return out;
  }

  /**
   * The scope's daily history (the store's `historyOf`: each past day at its end, the last day at the
   * score's asOf); empty for a scope without data.
   */
  async history(snapshot: ReadSnapshot, ref: ScopeRef, days: number): Promise<DayScores[]> {
    return (await this.histories(snapshot, [ref], days)).get(refKey(ref)) ?? [];
  }

  /**
   * Many scopes' daily histories (a team's products, across domains), by `refKey`: one round trip per
   * slot however many scopes. Scopes without data are absent.
   */
  async histories(
    snapshot: ReadSnapshot,
    refs: readonly ScopeRef[],
    days: number,
  ): Promise<Map<string, DayScores[]>> {
    if (refs.length === 0) return new Map();
    const found = await snapshot.histories(refs, { days });
    const out = new Map<string, DayScores[]>();
    for (const [key, history] of found) {
      out.set(
        key,
        history.points.map((p) => ({
          dayMs: p.day * 86_400_000,
          momentum: p.momentum.score,
          value: p.value.score,
          momentumRaw: p.momentum.raw,
          valueRaw: p.value.raw,
        })),
      );
    }
    return out;
  }

  /**
   * The largest contributions to each of the scopes' metric, largest first, by `refKey` (one round trip
   * per slot, however many scopes: the mesh's page asks every domain).
   */
  movers(
    snapshot: ReadSnapshot,
    refs: readonly ScopeRef[],
    metric: RankedMetric,
    limit: number,
  ): Promise<Map<string, Mover[]>> {
    return snapshot.movers(refs, metric, limit);
  }

  /** Every stored target: field → JSON (targets.ts reads both). */
  async targets(): Promise<Record<string, string>> {
    return redisCall('reading the targets', () => this.#redis.hgetall(this.#keys.targets));
  }

  /**
   * The alerter's state (docs/alerter.md, "Redis keys"): its alerts, silences and pauses hashes and its
   * lease, four single-key reads of one slot (the `{alerter}` hash tag), sent together. Empty hashes and
   * no lease when no alerter ever ran. Not atomic across the four: a commit of the alerter in between
   * shows at the next refresh.
   */
  async alerterHashes(): Promise<AlerterHashes> {
    const k = alerterKeys(this.#prefix);
    const [alerts, silences, pauses, leaseHolder] = await redisCall("reading the alerter's state", () =>
      Promise.all([
        this.#redis.hgetall(k.alerts),
        this.#redis.hgetall(k.silences),
        this.#redis.hgetall(k.pauses),
        this.#redis.get(k.lease),
      ]),
    );
    return { alerts, silences, pauses, leaseHolder };
  }

  async setTarget(field: string, json: string): Promise<void> {
    await redisCall('setting a target', () => this.#redis.hset(this.#keys.targets, field, json));
  }

  async deleteTarget(field: string): Promise<boolean> {
    return (await redisCall('removing a target', () => this.#redis.hdel(this.#keys.targets, field))) > 0;
  }

  /**
   * The reader's change feed (the namespace's change notifications, namespace switches, catching up
   * after a missed message or a reconnection) on a connection of its own: a subscribed connection can
   * do nothing else. Subscribed and baselined when this resolves.
   */
  async subscribe(handlers: ChangeFeedHandlers): Promise<Subscription> {
    const subscriber = this.#redis.duplicate();
    // A duplicate has none of the client's listeners; the client's own logs the outage (rate-limited),
    // this one must not print ioredis' "Unhandled error event" for every reconnect attempt.
    subscriber.on('error', () => undefined);
    const feed = new ChangeFeed(this.#reader, subscriber, handlers);
    try {
      await feed.start();
    } catch (error) {
      subscriber.disconnect();
      throw error;
    }
    return {
      feed,
      close: async () => {
        await feed.stop();
        subscriber.disconnect();
      },
    };
  }

  async ping(): Promise<boolean> {
    return (await this.#redis.ping()) === 'PONG';
  }
}
