import { createHash } from 'node:crypto';
import type { GroupBy } from './config.ts';
import type { Notification, NotifiedAlert } from './types.ts';

/** The group an alert's notification goes to, with the labels that name it. */
export function groupOf(
  labels: Readonly<Record<string, string>>,
  groupBy: GroupBy,
): { key: string; labels: Record<string, string> } {
  const team = labels['owner_team'];
  if (groupBy === 'ownerTeam' && team !== undefined)
    return { key: `owner_team=${team}`, labels: { owner_team: team } };
  const domain = labels['domain'];
  if (domain !== undefined) return { key: `domain=${domain}`, labels: { domain } };
  return { key: 'scope_kind=mesh', labels: { scope_kind: 'mesh' } };
}

/** An alert on its way into a notification, with its position in the alert's notification sequence. */
export interface Decided {
  readonly alert: NotifiedAlert;
  /** The alert's notification count after this one: makes the key unique per notification. */
  readonly sequence: number;
}

/**
 * `mmn_` and 32 hex digits of SHA-256 over the group and each alert's fingerprint, episode start, status
 * and sequence: the same decision (after a crash and a replay of the evaluation) yields the same key, and
 * a later stall of the same scope (a new episode, whose sequence starts again at 1 once the resolved one
 * was forgotten) a new one — receivers de-duplicate on it.
 */
export function idempotencyKeyOf(groupKey: string, decided: readonly Decided[]): string {
  const parts = decided
    .map((d) => `${d.alert.fingerprint}:${d.alert.startsAtMs}:${d.alert.status}:${d.sequence}`)
    .sort();
  const hash = createHash('sha256')
    .update([groupKey, ...parts].join('\n'), 'utf8')
    .digest('hex');
  return `mmn_${hash.slice(0, 32)}`;
}

/** One notification per group, alerts sorted by fingerprint so the payload does not depend on input order. */
export function groupNotifications(
  decided: readonly Decided[],
  groupBy: GroupBy,
  nowMs: number,
): Notification[] {
  const groups = new Map<string, { labels: Record<string, string>; members: Decided[] }>();
  for (const d of decided) {
    const group = groupOf(d.alert.labels, groupBy);
    const entry = groups.get(group.key) ?? { labels: group.labels, members: [] };
    entry.members.push(d);
    groups.set(group.key, entry);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, { labels, members }]) => {
      const alerts = members
        .map((m) => m.alert)
        .sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
      return {
        idempotencyKey: idempotencyKeyOf(key, members),
        groupKey: key,
        groupLabels: labels,
        status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
        alerts,
        decidedAtMs: nowMs,
      };
    });
}
