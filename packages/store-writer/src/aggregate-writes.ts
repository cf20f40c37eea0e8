import {
  compactScope,
  dayIndexOf,
  EVENT_TYPES,
  METRICS,
  type ScopeState,
  type ScoringConfig,
} from '@mesh-momentum/scoring';
import { AGGREGATE_FIELDS } from '@mesh-momentum/store';

/**
 * The fields of a scope's aggregate hash that a batch writes, as flat `[field, value, ...]` lists:
 * those its events changed, and those retention folds or drops.
 */

/**
 * Flat `[field, value, ...]` of every aggregate field the batch changed, with its value AFTER the batch
 * (taken from the mirror, which the batch has been merged into). The script writes them as they are;
 * the domain's version check guarantees the mirror was exactly what Redis held.
 */
export function changedFieldsOf(delta: ScopeState, after: ScopeState): string[] {
  const out: string[] = [];
  for (const metric of METRICS) {
    out.push(AGGREGATE_FIELDS.anchored(metric), String(after.anchored[metric]));
    for (const [day] of delta.anchoredByDay[metric].entries()) {
      out.push(
        AGGREGATE_FIELDS.anchoredDay(metric, String(day)),
        String(after.anchoredByDay[metric].valueAt(day)),
      );
    }
  }
  for (const [day, counts] of delta.countsByDay.entries()) {
    for (let t = 0; t < counts.length; t++) {
      if (!counts[t]) continue;
      const n = after.countsByDay.valueAt(day, t);
      out.push(AGGREGATE_FIELDS.countDay(String(day), EVENT_TYPES[t] as string), String(n));
    }
  }
  out.push(AGGREGATE_FIELDS.eventCount, String(after.eventCount));
  const times: [string, number | null][] = [
    [AGGREGATE_FIELDS.firstEventMs, after.firstEventMs],
    [AGGREGATE_FIELDS.lastEventMs, after.lastEventMs],
    [AGGREGATE_FIELDS.lastPositiveMomentumMs, after.lastPositiveMomentumMs],
  ];
  for (const [field, value] of times) if (value !== null) out.push(field, String(value));
  return out;
}

/** The UTC day each mirrored state was last compacted for: compaction runs once per scope and day. */
const compactedOn = new WeakMap<ScopeState, number>();

/**
 * Applies retention (scoring's `compactScope`) to a scope's mirrored state once per UTC day, and returns
 * the aggregate fields to rewrite (fold buckets) and to delete, or undefined when nothing changed.
 */
export function retentionFieldsOf(
  state: ScopeState,
  asOfMs: number,
  config: ScoringConfig,
): { set: string[]; del: string[] } | undefined {
  const today = dayIndexOf(asOfMs);
  if (compactedOn.get(state) === today) return undefined;
  compactedOn.set(state, today);
  const compaction = compactScope(state, asOfMs, config);
  if (!compaction) return undefined;
  const set: string[] = [];
  const del: string[] = [];
  for (const { metric, foldDay, foldValue, removed } of compaction.folds) {
    set.push(AGGREGATE_FIELDS.anchoredDay(metric, String(foldDay)), String(foldValue));
    for (const day of removed) del.push(AGGREGATE_FIELDS.anchoredDay(metric, String(day)));
  }
  for (const [day, type] of compaction.droppedCounts) del.push(AGGREGATE_FIELDS.countDay(String(day), type));
  return { set, del };
}
