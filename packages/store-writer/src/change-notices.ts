import type { ChainableCommander } from 'ioredis';
import { keys, type KeySpace, type MeshChanged, type StallChanged } from '@mesh-momentum/store';

/**
 * Queues the mesh refresh's announcements on the namespace's changes channel: the mesh's figures were
 * rewritten as of `asOfMs`, and (when its `stalled` flipped) the mesh's stall transition. Queued in the
 * refresh's transaction, so a reader woken by them reads the new figures. (Domains and products are
 * announced by the apply script itself.)
 */
export function queueMeshNotices(
  transaction: ChainableCommander,
  keySpace: KeySpace,
  asOfMs: number,
  transition: StallChanged | undefined,
): void {
  const channel = keys.changesChannel(keySpace);
  transaction.publish(channel, JSON.stringify({ t: 'mesh', asOfMs } satisfies MeshChanged));
  if (transition) transaction.publish(channel, JSON.stringify(transition));
}
