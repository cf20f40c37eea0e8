import type { Notification } from '../types.ts';

/**
 * A chat incoming-webhook payload (`{text}` with Markdown: accepted as is by Slack, Mattermost,
 * Rocket.Chat and Microsoft Teams' workflow webhooks): one line per alert with its evidence and link.
 */
export function chatPayload(notification: Notification): { text: string } {
  const header =
    notification.status === 'firing'
      ? `:warning: Momentum stalled (${Object.values(notification.groupLabels).join(', ')})`
      : `:white_check_mark: Momentum recovered (${Object.values(notification.groupLabels).join(', ')})`;
  const lines = notification.alerts.map((a) => {
    const mark = a.status === 'firing' ? (a.repeat ? 'still firing' : 'firing') : 'resolved';
    return `• *${a.annotations['summary'] ?? a.labels['alertname']}* — ${mark}. ${a.annotations['description'] ?? ''} <${a.evidence.dashboardUrl}|dashboard>`;
  });
  return { text: [header, ...lines].join('\n') };
}
