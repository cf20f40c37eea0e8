import { chatChannel, webhookChannel, type Channel } from './channels.ts';
import type { AlerterConfig } from './config.ts';

/** The outbox channels the configuration switches on (Alertmanager is posted from state, not the outbox). */
export function channelsFromConfig(config: AlerterConfig): Channel[] {
  const channels: Channel[] = [];
  if (config.webhookUrl)
    channels.push(webhookChannel(config.webhookUrl, config.webhookSecrets, config.deliveryTimeoutMs));
  if (config.chatWebhookUrl) channels.push(chatChannel(config.chatWebhookUrl, config.deliveryTimeoutMs));
  return channels;
}
