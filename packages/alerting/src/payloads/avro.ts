import type { Notification } from '../types.ts';

/**
 * The record of schemas/alerts/MomentumAlert.avsc for one alert of a notification, as avsc takes it
 * (timestamp-millis as ms numbers, the long on the wire; unions of null as the plain value or null).
 * Keyed by `fingerprint`.
 */
export interface MomentumAlertRecord {
  readonly id: string;
  readonly notificationId: string;
  readonly fingerprint: string;
  readonly status: 'firing' | 'resolved';
  readonly repeat: boolean;
  readonly alertname: string;
  readonly severity: string;
  readonly scopeKind: 'product' | 'domain' | 'mesh';
  readonly domain: string | null;
  readonly productId: string | null;
  readonly ownerTeam: string | null;
  readonly groupKey: string;
  readonly startsAt: number;
  readonly endsAt: number | null;
  readonly decidedAt: number;
  readonly stallReason: string | null;
  readonly findings: { rule: string; value: number; threshold: number }[];
  readonly momentum: number;
  readonly trend7: number;
  readonly trend30: number;
  readonly lastMomentumEventAt: number | null;
  readonly silenceDays: number | null;
  readonly topEvents: { id: string; source: string; type: string; time: number; weight: number }[];
  readonly dashboardUrl: string;
  readonly scoreAsOf: number;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

export const ALERT_SCHEMA_NAME = 'io.meshmomentum.alerts.MomentumAlert';

export function alertRecords(notification: Notification): MomentumAlertRecord[] {
  return notification.alerts.map((a) => {
    const e = a.evidence;
    const kind = a.labels['scope_kind'];
    return {
      id: `${notification.idempotencyKey}:${a.fingerprint}`,
      notificationId: notification.idempotencyKey,
      fingerprint: a.fingerprint,
      status: a.status,
      repeat: a.repeat,
      alertname: a.labels['alertname'] ?? e.rule,
      severity: a.labels['severity'] ?? 'info',
      scopeKind: kind === 'product' || kind === 'domain' ? kind : 'mesh',
      domain: a.labels['domain'] ?? null,
      productId: a.labels['product'] ?? null,
      ownerTeam: a.labels['owner_team'] ?? null,
      groupKey: notification.groupKey,
      startsAt: a.startsAtMs,
      endsAt: a.endsAtMs ?? null,
      decidedAt: notification.decidedAtMs,
      stallReason: e.stallReason ?? null,
      findings: e.findings.map((f) => ({ rule: f.rule, value: f.value, threshold: f.threshold })),
      momentum: e.momentum,
      trend7: e.trend7,
      trend30: e.trend30,
      lastMomentumEventAt: e.lastMomentumEventMs ?? null,
      silenceDays: e.silenceDays ?? null,
      topEvents: e.topEvents.map((t) => ({
        id: t.id,
        source: t.source,
        type: t.type,
        time: t.timeMs,
        weight: t.weight,
      })),
      dashboardUrl: e.dashboardUrl,
      scoreAsOf: e.asOfMs,
      labels: { ...a.labels },
      annotations: { ...a.annotations },
    };
  });
}
