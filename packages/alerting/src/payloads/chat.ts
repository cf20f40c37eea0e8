import type { Notification } from '../types.ts';
import { chatTextEscaper, escapeSlackText, quoteIdentifier, type ChatFormat } from './markup.ts';

/** How each chat format writes bold text and a link; the text inside is already escaped. */
const SYNTAX: Readonly<
  Record<ChatFormat, { bold(text: string): string; link(url: string, label: string): string }>
> = {
  slack: { bold: (text) => `*${text}*`, link: (url, label) => `<${escapeSlackText(url)}|${label}>` },
  markdown: { bold: (text) => `**${text}**`, link: (url, label) => `[${label}](${url})` },
};

/**
 * The characters that could end a link early in either format, percent-encoded. The URL is ours (the
 * configured base and a percent-encoded scope), so this only guards a base URL that holds one.
 */
function linkSafeUrl(url: string): string {
  // encodeURIComponent leaves parentheses as they are.
  return url
    .replace(/[\s<>|\\]/g, (c) => encodeURIComponent(c))
    .replace(/\(/g, '%28')
    .replace(/\)/g, '%29');
}

/**
 * A chat incoming-webhook payload (`{text}`): one line per alert with its evidence and link, in the
 * receiver's format (`slack`: Slack and Slack-compatible hooks; `markdown`: Mattermost, Rocket.Chat,
 * Microsoft Teams' workflow webhooks). Everything but our own markup is escaped for that format, and the
 * group's values are quoted identifiers, so a producer's product id or domain is shown, never obeyed.
 */
export function chatPayload(notification: Notification, format: ChatFormat): { text: string } {
  const escape = chatTextEscaper(format);
  const { bold, link } = SYNTAX[format];
  const group = escape(Object.values(notification.groupLabels).map(quoteIdentifier).join(', '));
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
    const summary = escape(a.annotations['summary'] ?? a.labels['alertname'] ?? '');
    const description = escape(a.annotations['description'] ?? '');
    return `• ${bold(summary)} — ${mark}. ${description} ${link(linkSafeUrl(a.evidence.dashboardUrl), 'dashboard')}`;
  });
  return { text: [header, ...lines].join('\n') };
}
