/**
 * The fields of the progress hashes: a domain's `…:{<domain>}:progress` and the mesh-wide
 * `…:{mesh}:partition-progress` (docs/redis-contract.md). The apply script (store-writer's Lua) builds
 * the same names from the `<topic>:<partition>` it is given; a test there keeps it in step.
 */
export const PROGRESS_FIELDS = {
  /**
   * `<topic>:<partition>`: in a domain's progress, the highest offset applied to the domain; in
   * partition-progress, the next offset to process.
   */
  partition: (topic: string, partition: number) => `${topic}:${partition}`,
  /** `fence:<topic>:<partition>`: the newest fencing epoch a domain has seen for the partition. */
  fence: (topic: string, partition: number) => `fence:${topic}:${partition}`,
  /** Batches applied to the domain: the apply script writes only when the writer's mirror has it. */
  version: 'version',
  /**
   * Writes of the domain's scores (apply-script calls, with events or refresh only): each call adds one
   * and its change notifications carry the new value, so a reader comparing it finds missed messages.
   */
  seq: 'seq',
} as const;
