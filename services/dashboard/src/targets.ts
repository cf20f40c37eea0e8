import { z } from 'zod';

/**
 * Targets as the dashboard stores them: one per scope and metric, in the hash `<p>:dashboard:targets`
 * (docs/dashboard.md), field `<scopeId>|<metric>`, value JSON `{level, dateMs, setAtMs[, setBy]}`; `setBy`
 * is who set it: the user an auth proxy named, else `token:<id>` of the token the write carried.
 */
export const targetBody = z
  .object({
    metric: z.enum(['momentum', 'value']),
    level: z.number().min(0).max(100),
    /** The day to reach the level by, as an ISO 8601 date or date-time. */
    date: z.iso.date().or(z.iso.datetime()),
  })
  .strict();

export type TargetBody = z.infer<typeof targetBody>;

export interface StoredTarget {
  readonly scopeId: string;
  readonly metric: 'momentum' | 'value';
  readonly level: number;
  readonly dateMs: number;
  readonly setAtMs: number;
  readonly setBy?: string;
}

export const targetField = (scopeId: string, metric: string): string => `${scopeId}|${metric}`;

export function encodeTarget(body: TargetBody, nowMs: number, setBy?: string): string {
  return JSON.stringify({
    level: body.level,
    dateMs: Date.parse(body.date),
    setAtMs: nowMs,
    ...(setBy === undefined ? {} : { setBy }),
  });
}

/** Parses the stored hash; an entry that does not parse is skipped (someone wrote it by hand). */
export function decodeTargets(hash: Readonly<Record<string, string>>): StoredTarget[] {
  const out: StoredTarget[] = [];
  for (const [field, json] of Object.entries(hash)) {
    const cut = field.lastIndexOf('|');
    const metric = field.slice(cut + 1);
    if (cut < 0 || (metric !== 'momentum' && metric !== 'value')) continue;
    try {
      const v = JSON.parse(json) as { level?: unknown; dateMs?: unknown; setAtMs?: unknown; setBy?: unknown };
      if (typeof v.level !== 'number' || typeof v.dateMs !== 'number') continue;
      out.push({
        scopeId: field.slice(0, cut),
        metric,
        level: v.level,
        dateMs: v.dateMs,
        setAtMs: typeof v.setAtMs === 'number' ? v.setAtMs : 0,
        ...(typeof v.setBy === 'string' ? { setBy: v.setBy } : {}),
      });
    } catch {
      continue;
    }
  }
  return out.sort((a, b) => a.scopeId.localeCompare(b.scopeId) || a.metric.localeCompare(b.metric));
}
