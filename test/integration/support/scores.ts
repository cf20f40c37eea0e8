import { domainRef, type MomentumReader, type ScopeRef, type StoredScore } from '@mesh-momentum/store';

/**
 * The reads the scenario tests make of the scores, through `MomentumReader`, the reader every reader of
 * ours uses: each resolves the namespace in use at the time of the call (a fresh snapshot), so a test
 * that polls sees the latest namespace, and answers as if no processor ran (nothing) before the first.
 */

/** The scope's stored score now; undefined when it has none. */
export async function scoreOf(reader: MomentumReader, ref: ScopeRef): Promise<StoredScore | undefined> {
  return (await reader.snapshot())?.score(ref);
}

/** Domains with an applied event, sorted. */
export async function domainsOf(reader: MomentumReader): Promise<string[]> {
  return (await reader.snapshot())?.domains() ?? [];
}

/** The domain's data products, sorted. */
export async function productsOf(reader: MomentumReader, domain: string): Promise<string[]> {
  const snapshot = await reader.snapshot();
  return snapshot ? ((await snapshot.products([domain])).get(domain) ?? []) : [];
}

/**
 * Events applied so far, each once: the sum of the domains' event counts (an event a retried or
 * replayed batch finds already applied is not counted again, unlike the processor's own counters).
 */
export async function appliedEvents(reader: MomentumReader): Promise<number> {
  const scores = await Promise.all((await domainsOf(reader)).map((d) => scoreOf(reader, domainRef(d))));
  return scores.reduce((sum, s) => sum + (s?.eventCount ?? 0), 0);
}
