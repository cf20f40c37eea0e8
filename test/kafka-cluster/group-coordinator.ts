import type { Admin } from 'kafkajs';

/** The internal topic that holds every consumer group's offsets and state. */
const OFFSETS_TOPIC = '__consumer_offsets';

/** Java's String.hashCode (32-bit, wrapping). */
function javaStringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}

/**
 * The node id of the broker that coordinates `groupId`: the leader of the group's partition of
 * __consumer_offsets, which Kafka picks as Utils.abs(groupId.hashCode()) % partitions (the classic and
 * the KIP-848 group coordinators alike). kafkajs' admin client does not expose FindCoordinator.
 */
export async function groupCoordinatorOf(admin: Admin, groupId: string): Promise<number> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [OFFSETS_TOPIC] });
  const partitions = topics[0]?.partitions ?? [];
  const hash = javaStringHash(groupId);
  // Utils.abs: Integer.MIN_VALUE maps to 0.
  const partition = (hash === -2147483648 ? 0 : Math.abs(hash)) % partitions.length;
  const leader = partitions.find((p) => p.partitionId === partition)?.leader;
  if (leader === undefined || leader < 0) {
    throw new Error(`no leader for ${OFFSETS_TOPIC} partition ${partition} (group ${groupId})`);
  }
  return leader;
}
