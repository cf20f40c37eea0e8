import { FencedWriteError, redisFailure, StoreUnavailableError } from '@mesh-momentum/common';
import type { EventType } from '@mesh-momentum/scoring';
import { keys, type RoutedCommand } from '@mesh-momentum/store';
import { applyCommand, applyOutcomeOf } from './apply-script.ts';
import { planDomainBatch, type BatchEvent } from './domain-batch-plan.ts';
import { ensureMirrors } from './domain-loader.ts';
import type { DomainMirror } from './mirror-cache.ts';
import { execRouted, replyAt } from './redis-replies.ts';
import { withinBatchUnique } from './within-batch-copies.ts';
import { evictIdleOverBudget, type WriteContext } from './write-context.ts';

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

/**
 * Attempts at re-planning a domain whose batch met duplicates (each attempt removes at least one) or a
 * version other than its mirror's (another writer, or a Redis that lost writes).
 */
const MAX_REPLANS = 5;

/**
 * Applies one Kafka batch of a partition: one pipeline with one apply-script call per domain (atomic
 * within the domain's slot), planned from the domains' mirrors, so a batch costs one round trip however
 * many events it has. A domain whose call met duplicates or a moved version is read again and
 * re-planned; a fenced call fails the batch. The caller holds the batch's domains (DomainLocks).
 */
export class PartitionBatchWriter {
  readonly #context: WriteContext;
  /** Domains known to be in the mesh's domain set (written once, not with every batch). */
  readonly #listed = new Set<string>();

  constructor(context: WriteContext) {
    this.#context = context;
  }

  /** Forgets which domains are listed: after a reconnect or rebalance, the set is written again. */
  forgetListed(): void {
    this.#listed.clear();
  }

  async apply(batch: PartitionBatch): Promise<ApplyResult> {
    const { redis, keySpace, config, dedupWindowMs, mirrors } = this.#context;
    let skipped = 0;
    const pending = new Map<string, BatchEvent[]>();
    for (const [domain, events] of batch.byDomain) {
      const unique = withinBatchUnique(events, dedupWindowMs);
      skipped += events.length - unique.length;
      pending.set(domain, unique);
    }
    await ensureMirrors(redis, keySpace, mirrors, [...pending.keys()], batch.topic, batch.partition);

    const appliedByType = new Map<EventType, number>();
    let applied = 0;
    for (let attempt = 0; pending.size > 0; attempt++) {
      if (attempt > MAX_REPLANS)
        throw new StoreUnavailableError(
          'apply kept meeting new duplicates or a moving domain version; retrying the batch',
        );
      const stale: string[] = [];
      // Planning merges each domain's batch into its mirror: until a domain's reply says "applied", its
      // mirror may be ahead of Redis and must not be used again. That holds for a planning that stops
      // part-way too (a reconnect dropped another domain's mirror while this batch was loading): the
      // domains planned before it are ahead, and a retry planned on them would count their events twice.
      const unconfirmed = new Set(pending.keys());
      try {
        const plans = [...pending].map(([domain, events]) => ({
          domain,
          events,
          plan: planDomainBatch({
            keySpace,
            domain,
            topic: batch.topic,
            partition: batch.partition,
            epoch: batch.epoch,
            dedupWindowMs,
            asOfMs: batch.asOfMs,
            config,
            events,
            mirror: this.#mirrorOf(domain).scopes,
            version: this.#mirrorOf(domain).version,
            seq: this.#mirrorOf(domain).seq,
          }),
        }));
        // One pipeline per Redis (per cluster node): every script call stays in its domain's slot.
        const commands: RoutedCommand[] = plans.map(({ plan }) => applyCommand(keySpace, plan));
        // The mesh's domain list: a domain this instance mirrors is in it already.
        const fresh = [...pending.keys()].filter((d) => !this.#listed.has(d));
        const domainsKey = keys.domains(keySpace);
        if (fresh.length > 0) commands.push({ key: domainsKey, queue: (p) => p.sadd(domainsKey, ...fresh) });
        const replies = await execRouted(redis, commands);
        const [listError] = fresh.length > 0 ? (replies[plans.length] ?? [null]) : [null];
        if (listError) throw redisFailure(listError, 'recording the domains failed');
        for (const d of fresh) this.#listed.add(d);
        for (const [i, { domain, events }] of plans.entries()) {
          const outcome = applyOutcomeOf(replyAt(replies, i, 'apply script failed'));
          if (outcome.status === 'fenced') {
            throw new FencedWriteError(
              batch.partition,
              `domain ${domain}: partition ${batch.topic}:${batch.partition} is owned by a newer assignment than epoch ${batch.epoch}`,
            );
          }
          if (outcome.status === 'stale') {
            // Redis holds another version than the mirror: read the domain again and re-plan.
            stale.push(domain);
            continue;
          }
          if (outcome.status === 'duplicates') {
            skipped += outcome.indexes.size;
            pending.set(
              domain,
              events.filter((_, index) => !outcome.indexes.has(index)),
            );
            stale.push(domain);
            continue;
          }
          unconfirmed.delete(domain);
          const mirror = mirrors.get(domain);
          if (mirror) {
            if (events.length > 0) mirror.version += 1;
            mirror.seq += 1;
          }
          mirrors.recount(domain);
          applied += events.length;
          for (const { event } of events)
            appliedByType.set(event.type, (appliedByType.get(event.type) ?? 0) + 1);
          pending.delete(domain);
        }
      } finally {
        for (const domain of unconfirmed) mirrors.delete(domain);
      }
      if (stale.length > 0) {
        // Someone (an earlier run of ours, before a crash or a lost reply) applied part of this batch,
        // or Redis holds another version than the mirror: read the truth again before re-planning.
        await ensureMirrors(redis, keySpace, mirrors, stale, batch.topic, batch.partition);
      }
    }
    evictIdleOverBudget(this.#context);
    return { applied, skipped, appliedByType };
  }

  /** The domain's mirror, which ensureMirrors loaded before the batch was planned. */
  #mirrorOf(domain: string): DomainMirror {
    const mirror = this.#context.mirrors.get(domain);
    // Only when the mirrors were dropped (Redis reconnected, partitions reassigned) while this batch
    // was loading them: retry the batch, which loads them again.
    if (!mirror) throw new StoreUnavailableError(`the mirror of domain ${domain} was dropped while loading`);
    return mirror;
  }
}
