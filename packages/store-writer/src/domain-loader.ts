import { METRICS, ScopeState } from '@mesh-momentum/scoring';
import {
  aggregateFromHashes,
  keys,
  moversKept,
  PROGRESS_FIELDS,
  scopeId,
  type DomainScope,
  type KeySpace,
  type RedisClient,
  type RoutedCommand,
} from '@mesh-momentum/store';
import { emptyScopeMirror, type ScopeMirror } from './domain-batch-plan.ts';
import type { MirrorCache } from './mirror-cache.ts';
import { boundOf } from './movers-bound.ts';
import { execRouted, replyAt } from './redis-replies.ts';

/**
 * Reading what a domain holds in Redis into mirrors: the state the writer plans batches from. Every
 * function here costs one round trip per Redis node, for any number of domains.
 */

/**
 * Each domain's write version (bumped by every applied batch) and seq (bumped by every applied call):
 * a mirror carries the ones it was read at.
 */
export async function versionsOf(
  redis: RedisClient,
  ks: KeySpace,
  domains: readonly string[],
): Promise<Map<string, { version: number; seq: number }>> {
  const replies = await execRouted(
    redis,
    domains.map((d) => {
      const key = keys.domainProgress(ks, d);
      return { key, queue: (p) => p.hmget(key, PROGRESS_FIELDS.version, PROGRESS_FIELDS.seq) };
    }),
  );
  return new Map(
    domains.map((d, i) => {
      const [version, seq] = replyAt(replies, i, 'reading versions failed') as (string | null)[];
      return [d, { version: Number(version ?? 0), seq: Number(seq ?? 0) }];
    }),
  );
}

async function productsOf(redis: RedisClient, ks: KeySpace, domains: readonly string[]): Promise<string[][]> {
  const commands = domains.map((d): RoutedCommand => {
    const key = keys.domainProducts(ks, d);
    return { key, queue: (p) => p.smembers(key) };
  });
  const replies = await execRouted(redis, commands);
  return domains.map((_, i) => replyAt(replies, i, 'reading products failed') as string[]);
}

/**
 * The aggregates of domains, and of all their products when asked (for mirrors, with each movers set's
 * size and smallest kept weight): one or two round trips for any number of domains.
 */
export async function loadDomains(
  redis: RedisClient,
  ks: KeySpace,
  domains: readonly string[],
  withProducts: boolean,
): Promise<Map<string, Map<string, ScopeMirror>>> {
  const productLists = withProducts ? await productsOf(redis, ks, domains) : domains.map((): string[] => []);

  const wanted: { domain: string; scope: DomainScope }[] = [];
  for (const [i, domain] of domains.entries()) {
    wanted.push({ domain, scope: { kind: 'domain' } });
    for (const productId of productLists[i] ?? [])
      wanted.push({ domain, scope: { kind: 'product', productId } });
  }
  // Per scope: aggregate, standing, and (for mirrors) each movers set's size and smallest kept weight.
  const perScope = withProducts ? 2 + 2 * METRICS.length : 2;
  const commands: RoutedCommand[] = [];
  for (const { domain, scope } of wanted) {
    const aggKey = keys.scopeAggregate(ks, domain, scope);
    const standingKey = keys.scopeStanding(ks, domain, scope);
    commands.push({ key: aggKey, queue: (p) => p.hgetall(aggKey) });
    commands.push({ key: standingKey, queue: (p) => p.hgetall(standingKey) });
    if (!withProducts) continue;
    for (const metric of METRICS) {
      const moversKey = keys.scopeMovers(ks, domain, scope, metric);
      const last = moversKept(scope) - 1;
      commands.push({ key: moversKey, queue: (p) => p.zcard(moversKey) });
      commands.push({ key: moversKey, queue: (p) => p.zrevrange(moversKey, last, last, 'WITHSCORES') });
    }
  }
  const replies = await execRouted(redis, commands);
  const reply = (i: number): unknown => replyAt(replies, i, 'reading aggregates failed');
  const result = new Map<string, Map<string, ScopeMirror>>();
  for (const d of domains) result.set(d, new Map());
  for (const [i, { domain, scope }] of wanted.entries()) {
    const base = perScope * i;
    const aggHash = reply(base) as Record<string, string>;
    const standing = reply(base + 1) as Record<string, string>;
    if (Object.keys(aggHash).length === 0) continue;
    const mirror: ScopeMirror = {
      ...emptyScopeMirror(ks, domain, scope),
      state: ScopeState.fromAggregate(aggregateFromHashes(aggHash, standing)),
    };
    if (withProducts) {
      for (const [m, metric] of METRICS.entries()) {
        const size = reply(base + 2 + 2 * m) as number;
        const floor = (reply(base + 3 + 2 * m) as string[])[1];
        mirror.movers[metric] = boundOf(
          size,
          floor === undefined ? undefined : Number(floor),
          moversKept(scope),
        );
      }
    }
    result.get(domain)?.set(scopeId(scope), mirror);
  }
  return result;
}

/**
 * Reads into `mirrors` the domains it does not hold, and marks every one of `domains` used now, its
 * events coming from `topic`/`partition`.
 */
export async function ensureMirrors(
  redis: RedisClient,
  ks: KeySpace,
  mirrors: MirrorCache,
  domains: readonly string[],
  topic: string,
  partition: number,
): Promise<void> {
  const missing = domains.filter((d) => !mirrors.has(d));
  if (missing.length > 0) {
    // The version is read BEFORE the state: a write landing in between makes the mirror newer than
    // its version, which the script refuses (stale) rather than overwrite.
    const versions = await versionsOf(redis, ks, missing);
    for (const [domain, scopes] of await loadDomains(redis, ks, missing, true)) {
      const { version, seq } = versions.get(domain) ?? { version: 0, seq: 0 };
      mirrors.set(domain, { scopes, topic, partition, version, seq });
    }
  }
  for (const d of domains) mirrors.touch(d, topic, partition);
}
