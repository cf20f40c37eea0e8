import { redisCall } from '@mesh-momentum/common';
import type { ChainableCommander } from 'ioredis';
import { keys, type KeySpace, type RankedMetric } from './keys.ts';
import { domainRef, productRef, refKey, type ScopeRef } from './scope-ref.ts';
import { SlotReads, type ReadClient } from './slot-reads.ts';

/** Which ranking to read, and which page of it. */
export interface RankingQuery {
  /** `domains`: the mesh's domains; `products`: a domain's products, or every product of the mesh. */
  readonly of: 'domains' | 'products';
  /** With `of: 'products'`: the domain whose products to rank; absent: all products of the mesh. */
  readonly domain?: string;
  readonly metric: RankedMetric;
  /** Entries to skip; @defaultValue 0 */
  readonly offset?: number;
  /** Entries wanted, 1..RANKING_MAX_LIMIT; @defaultValue 10 */
  readonly limit?: number;
  /** `desc`: highest score first; @defaultValue 'desc' */
  readonly order?: 'desc' | 'asc';
}

export interface RankingEntry {
  readonly ref: ScopeRef;
  /** The normalised score the ranking orders by, 0..100. */
  readonly score: number;
  /** 1-based place in this order (equal scores get consecutive places, member order as Redis keeps it). */
  readonly position: number;
}

export interface RankingPage {
  readonly entries: readonly RankingEntry[];
  /** Members of the whole ranking (for paging). */
  readonly total: number;
}

export interface RankOf {
  /** 1 + the number of members with a strictly better score: equal scores share a rank. */
  readonly rank: number;
  readonly score: number;
  readonly total: number;
}

/** The largest page a ranking read returns. */
export const RANKING_MAX_LIMIT = 1_000;

function pairs(flat: readonly string[]): [string, number][] {
  const out: [string, number][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i] as string, Number(flat[i + 1])]);
  return out;
}

function pageOf(query: RankingQuery): { offset: number; limit: number; desc: boolean } {
  const offset = query.offset ?? 0;
  const limit = query.limit ?? 10;
  if (!Number.isInteger(offset) || offset < 0)
    throw new RangeError(`ranking offset must be >= 0, got ${offset}`);
  if (!Number.isInteger(limit) || limit < 1 || limit > RANKING_MAX_LIMIT)
    throw new RangeError(`ranking limit must be in 1..${RANKING_MAX_LIMIT}, got ${limit}`);
  return { offset, limit, desc: (query.order ?? 'desc') === 'desc' };
}

/**
 * One page of a ranking. Domains and one domain's products are one sorted set each. The mesh-wide
 * product ranking has no key of its own (it would cross slots on every write): it merges the first
 * `offset + limit` of every domain's product ranking, one round trip per slot. Cost grows with
 * domains × (offset + limit): fine for the first pages of a leaderboard, not for scrolling to the end.
 */
export async function readRanking(
  client: ReadClient,
  ks: KeySpace,
  query: RankingQuery,
  domains: () => Promise<string[]>,
): Promise<RankingPage> {
  const { offset, limit, desc } = pageOf(query);
  const range = (key: string, from: number, to: number) => (p: ChainableCommander) =>
    desc ? p.zrevrange(key, from, to, 'WITHSCORES') : p.zrange(key, from, to, 'WITHSCORES');
  const reads = new SlotReads(client);
  const sources: { domain: string | undefined; key: string }[] =
    query.of === 'domains'
      ? [{ domain: undefined, key: keys.domainRanking(ks, query.metric) }]
      : query.domain !== undefined
        ? [{ domain: query.domain, key: keys.productRanking(ks, query.domain, query.metric) }]
        : (await domains()).map((d) => ({ domain: d, key: keys.productRanking(ks, d, query.metric) }));
  // The mesh-wide product ranking merges per-domain rankings (even with one domain: same rules).
  const merged = query.of === 'products' && query.domain === undefined;
  const replies = sources.map(({ domain, key }) => ({
    domain,
    range: reads.queue<string[]>(domain ?? 'mesh', range(key, merged ? 0 : offset, offset + limit - 1)),
    size: reads.queue<number>(domain ?? 'mesh', (p) => p.zcard(key)),
  }));
  await reads.run();
  const all: { ref: ScopeRef; score: number }[] = [];
  let total = 0;
  for (const { domain, range: r, size } of replies) {
    total += size.value;
    for (const [member, score] of pairs(r.value)) {
      all.push({ ref: domain === undefined ? domainRef(member) : productRef(domain, member), score });
    }
  }
  if (merged) {
    all.sort(
      (a, b) => (desc ? b.score - a.score : a.score - b.score) || refKey(a.ref).localeCompare(refKey(b.ref)),
    );
  }
  const page = merged ? all.slice(offset, offset + limit) : all;
  return { entries: page.map((e, i) => ({ ...e, position: offset + i + 1 })), total };
}

/**
 * A scope's rank by a metric: a domain among the domains; a product within its domain
 * (`within: 'domain'`) or among every product of the mesh (`within: 'mesh'`). Undefined for the mesh
 * and for scopes not ranked.
 */
export async function readRankOf(
  client: ReadClient,
  ks: KeySpace,
  ref: ScopeRef,
  metric: RankedMetric,
  within: 'domain' | 'mesh',
  domains: () => Promise<string[]>,
): Promise<RankOf | undefined> {
  if (ref.kind === 'mesh') return undefined;
  const own =
    ref.kind === 'domain' ? keys.domainRanking(ks, metric) : keys.productRanking(ks, ref.domain, metric);
  const member = ref.kind === 'domain' ? ref.domain : ref.productId;
  const tag = ref.kind === 'domain' ? 'mesh' : ref.domain;
  const raw = await redisCall('reading a rank', () => client.zscore(own, member));
  if (raw === null) return undefined;
  const score = Number(raw);
  const sets =
    ref.kind === 'product' && within === 'mesh'
      ? (await domains()).map((d) => ({ tag: d, key: keys.productRanking(ks, d, metric) }))
      : [{ tag, key: own }];
  const reads = new SlotReads(client);
  const counted = sets.map(({ tag: t, key }) => ({
    better: reads.queue<number>(t, (p) => p.zcount(key, `(${raw}`, '+inf')),
    size: reads.queue<number>(t, (p) => p.zcard(key)),
  }));
  await reads.run();
  let better = 0;
  let total = 0;
  for (const c of counted) {
    better += c.better.value;
    total += c.size.value;
  }
  return { rank: better + 1, score, total };
}
