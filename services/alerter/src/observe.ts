import type { AlertScope, Observation, TopEvent } from '@mesh-momentum/alerting';
import { refKey, type MomentumReader, type ScopeRef, type StoredScore } from '@mesh-momentum/store';

/** Events listed as evidence of a stalled scope. */
const TOP_EVENTS = 5;

/** The alert's scope; a product carries its owner team (score hash `ownerTeam`) for grouping by team. */
function scopeOf(ref: ScopeRef, ownerTeam: string | undefined): AlertScope {
  if (ref.kind === 'mesh') return { kind: 'mesh' };
  if (ref.kind === 'domain') return { kind: 'domain', domain: ref.domain };
  return {
    kind: 'product',
    domain: ref.domain,
    productId: ref.productId,
    ...(ownerTeam === undefined ? {} : { ownerTeam }),
  };
}

function observation(ref: ScopeRef, score: StoredScore, topEvents: readonly TopEvent[]): Observation {
  return {
    scope: scopeOf(ref, score.ownerTeam),
    stalled: score.stalled,
    ...(score.stallReason === undefined ? {} : { reason: score.stallReason }),
    findings: score.stallFindings,
    momentum: score.momentum.score,
    trend7: score.momentum.trend7,
    trend30: score.momentum.trend30,
    ...(score.lastPositiveEventMs === undefined ? {} : { lastMomentumEventMs: score.lastPositiveEventMs }),
    ...(score.stalledSinceMs === undefined ? {} : { stalledSinceMs: score.stalledSinceMs }),
    asOfMs: score.asOfMs,
    topEvents,
  };
}

/**
 * Every scope's stall verdict as the processor wrote it (the one definition, `stallOf`, applied by the
 * processor; the alerter never recomputes it), read from one snapshot (one namespace for the whole
 * pass, one round trip per Redis slot). The movers are read for stalled scopes only: they are evidence,
 * and a healthy scope needs none. The mesh keeps no movers of its own.
 */
export async function observeAll(reader: MomentumReader, includeProducts: boolean): Promise<Observation[]> {
  const snapshot = await reader.snapshot();
  if (snapshot === undefined) return [];
  const refs = (await snapshot.allScopes()).filter((r) => includeProducts || r.kind !== 'product');
  const scores = await snapshot.scores(refs);
  const stalled = refs.filter((r) => scores.get(refKey(r))?.stalled === true);
  const movers = await snapshot.movers(stalled, 'momentum', TOP_EVENTS);
  const out: Observation[] = [];
  for (const ref of refs) {
    const score = scores.get(refKey(ref));
    if (score) out.push(observation(ref, score, movers.get(refKey(ref)) ?? []));
  }
  return out;
}
