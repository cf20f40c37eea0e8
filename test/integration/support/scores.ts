import type { MomentumReader, ScopeRef, StoredScore } from '@mesh-momentum/store';

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
