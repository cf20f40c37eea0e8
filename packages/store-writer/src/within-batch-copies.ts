import type { BatchEvent } from './domain-batch-plan.ts';

/**
 * The batch without copies of an event it already holds, judged as the apply script judges copies
 * across batches: a copy is one when an earlier copy was recorded in its record's period or a
 * neighbouring one. (Dropping every in-batch copy would make the outcome depend on how records were
 * batched.) `windowMs` is the de-duplication window, ms.
 */
export function withinBatchUnique(events: readonly BatchEvent[], windowMs: number): BatchEvent[] {
  // Periods recorded per key: a number for the one most keys have, a list once a key has several.
  const recorded = new Map<string, number | number[]>();
  return events.filter((e) => {
    const period = Math.floor(e.recordTimeMs / windowMs);
    const periods = recorded.get(e.dedupKey);
    if (periods === undefined) {
      recorded.set(e.dedupKey, period);
      return true;
    }
    const list = typeof periods === 'number' ? [periods] : periods;
    if (list.some((p) => Math.abs(p - period) <= 1)) return false;
    list.push(period);
    recorded.set(e.dedupKey, list);
    return true;
  });
}
