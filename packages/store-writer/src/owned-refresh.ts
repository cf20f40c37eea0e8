import { redisFailure } from '@mesh-momentum/common';
import type { RoutedCommand } from '@mesh-momentum/store';
import { applyCommand, applyOutcomeOf } from './apply-script.ts';
import { planDomainBatch } from './domain-batch-plan.ts';
import { ensureMirrors } from './domain-loader.ts';
import { execRouted } from './redis-replies.ts';
import { evictIdleOverBudget, type WriteContext } from './write-context.ts';

/** The fencing epoch this instance holds for a partition, or undefined when it is not assigned it. */
export type EpochOf = (topic: string, partition: number) => number | undefined;

/** Scopes whose scores one call of the apply script rewrites at most, in the periodic refresh. */
const REFRESH_SCOPES_PER_CALL = 500;

/**
 * Recomputes and rewrites the scores of every scope of the domains this instance owns, as of `asOfMs`
 * (the periodic tick: decay moves scores even when no event arrives), and returns how many domains
 * were rewritten. Fenced like a batch. One domain at a time, in scripts of at most
 * REFRESH_SCOPES_PER_CALL scopes: a domain of thousands of products rewritten in one go would hold up
 * Redis, and every other domain's batches, for a noticeable while.
 */
export async function refreshOwned(context: WriteContext, asOfMs: number, epochOf: EpochOf): Promise<number> {
  const { redis, keySpace, mirrors, locks } = context;
  let refreshed = 0;
  // Mirrored domains first; then the ones read again for this refresh alone (dropped for the budget
  // or after a failed write: decay moves every owned domain's scores), each let go again at once
  // while over budget, so a cycle through more domains than fit never pushes out the hot mirrors.
  const owned = mirrors.owned();
  const ordered = [...owned.filter(([d]) => mirrors.has(d)), ...owned.filter(([d]) => !mirrors.has(d))];
  for (const [domain, { topic, partition }] of ordered) {
    if (epochOf(topic, partition) === undefined) continue;
    const readAgain = !mirrors.has(domain);
    const done = await locks.run([domain], async () => {
      await ensureMirrors(redis, keySpace, mirrors, [domain], topic, partition);
      const ok = await refreshDomain(context, domain, asOfMs, epochOf);
      if (readAgain && mirrors.overBudget()) mirrors.delete(domain);
      return ok;
    });
    if (done) refreshed++;
    evictIdleOverBudget(context);
  }
  return refreshed;
}

/** Rewrites one mirrored domain's scores; false when it is not this instance's to write (any more). */
async function refreshDomain(
  context: WriteContext,
  domain: string,
  asOfMs: number,
  epochOf: EpochOf,
): Promise<boolean> {
  const { redis, keySpace, config, dedupWindowMs, mirrors } = context;
  const mirror = mirrors.get(domain);
  const epoch = mirror && epochOf(mirror.topic, mirror.partition);
  if (!mirror || epoch === undefined) return false;
  const scopes = [...mirror.scopes.values()].map((s) => s.scope);
  // Planning records the scores as written: unless every call is confirmed applied (a planning that
  // throws part-way included), the mirror may be ahead of Redis and is read again when next needed.
  const calls = Math.ceil(scopes.length / REFRESH_SCOPES_PER_CALL);
  let confirmed = 0;
  try {
    const commands: RoutedCommand[] = [];
    for (let from = 0; from < scopes.length; from += REFRESH_SCOPES_PER_CALL) {
      const plan = planDomainBatch({
        keySpace,
        domain,
        topic: mirror.topic,
        partition: mirror.partition,
        epoch,
        dedupWindowMs,
        asOfMs,
        config,
        events: [],
        mirror: mirror.scopes,
        version: mirror.version,
        // Each call before this one in the pipeline moves the domain's seq by one.
        seq: mirror.seq + commands.length,
        refreshScopes: scopes.slice(from, from + REFRESH_SCOPES_PER_CALL),
      });
      commands.push(applyCommand(keySpace, plan));
    }
    for (const [error, reply] of await execRouted(redis, commands)) {
      if (error) throw redisFailure(error, 'score refresh failed');
      // Fenced: another instance owns the domain now; stop refreshing it from a mirror that ages.
      // Stale: the mirror is not what Redis holds; the next batch reads it again.
      const { status } = applyOutcomeOf(reply);
      if (status === 'fenced') {
        mirrors.disown(domain);
        return false;
      }
      if (status === 'stale') return false;
      confirmed++;
    }
  } finally {
    if (confirmed === calls) {
      mirror.seq += confirmed;
      // The refreshed scopes now keep their written values, which count against the mirror budget.
      mirrors.recount(domain);
    } else mirrors.delete(domain);
  }
  return true;
}
