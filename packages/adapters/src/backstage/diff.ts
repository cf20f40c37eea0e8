import type { EventInput } from '@mesh-momentum/events';
import { deterministicEventId } from '../ids.ts';
import { ignored, makeEvent, produced, type AdapterOutcome } from '../outcome.ts';
import type { BackstageSnapshot, SnapshotProduct } from './snapshot.ts';

export interface BackstageDiffContext {
  /** Stable URI of the Backstage instance. */
  readonly source: string;
  /** Poll time, ms since the epoch: the catalog says when an entity changed only loosely, so events carry it. */
  readonly nowMs: number;
}

/**
 * Events between two snapshots of the catalog:
 * - a product new, back from retirement, or with a new version → DataProductPublished;
 * - a product gone or moved to a retired lifecycle → DataProductRetired;
 * - a team newly consuming a product (through any of its entities) → ConsumerOnboarded;
 * - a team no longer consuming it → ConsumerOffboarded.
 * With no previous snapshot (the first poll) the catalog's current state is the baseline: every live
 * product → DataProductDiscovered (weight 0: the product is listed with its owner and domain, and no
 * momentum is invented for the day of the poll); retired ones and consumptions are taken as they are.
 *
 * Event ids derive from the entity uid and the change (and version), so two pollers, or a poller that
 * restarts before saving its snapshot, emit the same ids for the same change.
 */
export function diffBackstageSnapshots(
  previous: BackstageSnapshot | undefined,
  current: BackstageSnapshot,
  context: BackstageDiffContext,
): AdapterOutcome {
  // Stable while a round is retried (the poller saves the next snapshot only once Kafka acknowledged),
  // different for the same change in a later round.
  const round = previous?.round ?? 0;
  const envelope = (key: string, change: string) => ({
    id: deterministicEventId(context.source, `backstage:${key}`, `${change}#${round}`),
    source: context.source,
    timeMs: context.nowMs,
  });
  if (previous === undefined) return baseline(current, envelope);
  const events: EventInput[] = [];

  for (const [ref, product] of Object.entries(current.products)) {
    const before = previous.products[ref];
    if (product.retired) continue;
    if (before && !before.retired && before.version === product.version) continue;
    const { productId, domain, name, version, ownerTeam, tier } = product;
    events.push(
      makeEvent.dataProductPublished(
        { productId, domain, name, version, ownerTeam, tier },
        envelope(product.uid, `published:${version}`),
      ),
    );
  }
  const unmappedNow = new Set(current.unmapped.map((u) => u.ref));
  for (const ref of retiringProducts(previous, current)) {
    const before = previous.products[ref] as SnapshotProduct;
    const now = current.products[ref];
    events.push(
      makeEvent.dataProductRetired(
        {
          productId: before.productId,
          domain: before.domain,
          reason: now
            ? `lifecycle ${ref} deprecated in the Backstage catalog`
            : `${ref} removed from the Backstage catalog`,
        },
        envelope(before.uid, 'retired'),
      ),
    );
  }
  for (const [key, consumption] of Object.entries(current.consumptions)) {
    if (previous.consumptions[key] || current.products[consumption.productRef]?.retired) continue;
    events.push(
      makeEvent.consumerOnboarded(
        {
          productId: consumption.productId,
          domain: consumption.domain,
          consumerTeam: consumption.consumerTeam,
          useCaseId: null,
        },
        envelope(`${consumption.productUid}:${consumption.consumerTeam}`, 'onboarded'),
      ),
    );
  }
  for (const [key, before] of Object.entries(previous.consumptions)) {
    if (current.consumptions[key] || unmappedNow.has(before.productRef)) continue;
    const productGone = !current.products[before.productRef] || current.products[before.productRef]?.retired;
    events.push(
      makeEvent.consumerOffboarded(
        {
          productId: before.productId,
          domain: before.domain,
          consumerTeam: before.consumerTeam,
          reason: productGone
            ? 'product retired in the Backstage catalog'
            : 'consumer relation removed from the Backstage catalog',
        },
        envelope(`${before.productUid}:${before.consumerTeam}`, 'offboarded'),
      ),
    );
  }
  if (events.length === 0) return ignored('no-change', 'the catalog did not change', current.unmapped);
  return produced(events, current.unmapped);
}

type EnvelopeOf = (key: string, change: string) => { id: string; source: string; timeMs: number };

/** The first snapshot: every live product discovered, nothing else (see diffBackstageSnapshots). */
function baseline(current: BackstageSnapshot, envelope: EnvelopeOf): AdapterOutcome {
  const events = Object.values(current.products)
    .filter((product) => !product.retired)
    .map(({ productId, domain, name, ownerTeam, uid }) =>
      makeEvent.dataProductDiscovered({ productId, domain, name, ownerTeam }, envelope(uid, 'discovered')),
    );
  if (events.length === 0) return ignored('baseline', 'first snapshot: no live product', current.unmapped);
  return produced(events, current.unmapped);
}

/**
 * Refs of the products `current` retires: live in `previous`, and now gone or in a retired lifecycle. A
 * product that now fails to resolve (an annotation removed by mistake) is listed as unmapped, not
 * retired: retiring it would be a false signal, and fixing the mapping would then re-publish it.
 */
export function retiringProducts(previous: BackstageSnapshot, current: BackstageSnapshot): string[] {
  const unmappedNow = new Set(current.unmapped.map((u) => u.ref));
  return Object.entries(previous.products)
    .filter(([ref, before]) => {
      const now = current.products[ref];
      return !before.retired && !(now && !now.retired) && !unmappedNow.has(ref);
    })
    .map(([ref]) => ref);
}

/**
 * The snapshot to keep after a round: `current`, numbered one round after `previous` when the round
 * produced events (so their ids are not reused), or at the same round when nothing changed.
 */
export function advanceSnapshot(
  previous: BackstageSnapshot | undefined,
  current: BackstageSnapshot,
  changed: boolean,
): BackstageSnapshot {
  const round = previous?.round ?? 0;
  return { ...current, round: changed ? round + 1 : round };
}
