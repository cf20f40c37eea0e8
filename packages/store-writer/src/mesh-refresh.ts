import { redisFailure } from '@mesh-momentum/common';
import { ScopeState } from '@mesh-momentum/scoring';
import { keys, scopeId, scoreToFields } from '@mesh-momentum/store';
import { queueMeshNotices } from './change-notices.ts';
import { loadDomains } from './domain-loader.ts';
import { meshStallAfter } from './mesh-stall.ts';
import { execPipeline } from './redis-replies.ts';
import type { WriteContext } from './write-context.ts';

/**
 * Mesh-wide figures derived from the domains' aggregates (decayed sums add up): the mesh score, the
 * domain rankings and the set of stalled scopes. Cross-slot, so plain commands, not one script; any
 * instance may run it, and running it twice writes the same values.
 */
export async function refreshMesh(context: WriteContext, asOfMs: number): Promise<void> {
  const { redis, keySpace: ks, config, mirrors, locks } = context;
  const domains = await redis.smembers(keys.domains(ks)).catch((error: unknown) => {
    throw redisFailure(error, 'reading domains failed');
  });
  if (domains.length === 0) return;
  const held = await redis
    .hmget(keys.meshScore(ks), 'stalled', 'stalledSinceMs', 'stallReason')
    .catch((error: unknown) => {
      throw redisFailure(error, 'reading the mesh score failed');
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
  const pipeline = redis.multi();
  const stalled: string[] = [];
  const addDomain = (domain: string, state: ScopeState) => {
    const score = state.score(asOfMs, config, { kind: 'domain' });
    mesh.merge(state);
    pipeline.zadd(keys.domainRanking(ks, 'momentum'), score.momentum.score, domain);
    pipeline.zadd(keys.domainRanking(ks, 'value'), score.value.score, domain);
    if (score.stall.stalled) stalled.push(domain);
  };
  const domainId = scopeId({ kind: 'domain' });
  const toRead: string[] = [];
  for (const domain of domains) {
    const mirrored = locks.isBusy(domain) ? undefined : mirrors.get(domain)?.scopes.get(domainId);
    if (mirrored) addDomain(domain, mirrored.state);
    else toRead.push(domain);
  }
  for (const [domain, scopes] of await loadDomains(redis, ks, toRead, false)) {
    const state = scopes.get(domainId)?.state;
    if (state) addDomain(domain, state);
  }
  const meshScore = mesh.score(asOfMs, config, { kind: 'mesh' });
  if (meshScore.stall.stalled) stalled.push('mesh');
  const { stalledSinceMs, transition } = meshStallAfter(held, meshScore, asOfMs);
  pipeline.hset(keys.meshScore(ks), { ...scoreToFields(meshScore), stalledSinceMs });
  pipeline.del(keys.stalled(ks));
  if (stalled.length > 0) pipeline.sadd(keys.stalled(ks), ...stalled);
  queueMeshNotices(pipeline, ks, asOfMs, transition);
  const replies = await execPipeline(pipeline);
  for (const [error] of replies) {
    if (error) throw redisFailure(error, 'mesh refresh failed');
  }
}
