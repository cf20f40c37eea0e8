import type { AlertScope, Observation, TopEvent } from '@mesh-momentum/alerting';
import type { DomainScope, ScoreReader, StoredScore } from '@mesh-momentum/store';

/** Events listed as evidence of a stalled scope. */
const TOP_EVENTS = 5;

function observation(scope: AlertScope, score: StoredScore, topEvents: readonly TopEvent[]): Observation {
  return {
    scope,
    stalled: score.stalled,
    ...(score.stallReason === undefined ? {} : { reason: score.stallReason }),
    momentum: score.momentum.score,
    trend7: score.momentum.trend7,
    trend30: score.momentum.trend30,
    ...(score.lastPositiveEventMs === undefined ? {} : { lastMomentumEventMs: score.lastPositiveEventMs }),
    asOfMs: score.asOfMs,
    topEvents,
  };
}

/**
 * Every scope's stall verdict as the processor wrote it (the one definition, `stallOf`, applied by the
 * processor; the alerter never recomputes it). The movers are read for stalled scopes only: they are
 * evidence, and a healthy scope needs none.
 *
 * One namespace for the whole pass, so a rebuild switching readers half-way cannot mix two.
 */
export async function observeAll(reader: ScoreReader, includeProducts: boolean): Promise<Observation[]> {
  const namespace = await reader.namespace();
  if (namespace === undefined) return [];
  const out: Observation[] = [];
  const movers = async (domain: string, scope: DomainScope, score: StoredScore) =>
    score.stalled ? reader.movers(domain, scope, 'momentum', TOP_EVENTS, namespace) : [];
  const mesh = await reader.meshScore(namespace);
  if (mesh) out.push(observation({ kind: 'mesh' }, mesh, []));
  for (const domain of await reader.domains(namespace)) {
    const scope: DomainScope = { kind: 'domain' };
    const score = await reader.scopeScore(domain, scope, namespace);
    if (score) out.push(observation({ kind: 'domain', domain }, score, await movers(domain, scope, score)));
    if (!includeProducts) continue;
    for (const productId of await reader.products(domain, namespace)) {
      const productScope: DomainScope = { kind: 'product', productId };
      const p = await reader.scopeScore(domain, productScope, namespace);
      if (p)
        out.push(
          observation({ kind: 'product', domain, productId }, p, await movers(domain, productScope, p)),
        );
    }
  }
  return out;
}
