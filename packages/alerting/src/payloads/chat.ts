import type { Notification } from '../types.ts';

/**
 * A chat incoming-webhook payload (`{text}` with Markdown: accepted as is by Slack, Mattermost,
 * Rocket.Chat and Microsoft Teams' workflow webhooks): one line per alert with its evidence and link.
 */
export function chatPayload(notification: Notification): { text: string } {
  const group = Object.values(notification.groupLabels).join(', ');
  const allPaused = notification.alerts.every((a) => a.evidence.exemption === 'paused');
  const header =
    notification.status === 'firing'
      ? `:warning: Momentum stalled (${group})`
      : allPaused
        ? `:double_vertical_bar: Alerting paused (${group})`
        : `:white_check_mark: Momentum recovered (${group})`;
  const lines = notification.alerts.map((a) => {
    const resolved = a.evidence.exemption === 'paused' ? 'resolved (paused)' : 'resolved';
    const mark = a.status === 'firing' ? (a.repeat ? 'still firing' : 'firing') : resolved;
    return `• *${a.annotations['summary'] ?? a.labels['alertname']}* — ${mark}. ${a.annotations['description'] ?? ''} <${a.evidence.dashboardUrl}|dashboard>`;
  });
  return { text: [header, ...lines].join('\n') };
}
