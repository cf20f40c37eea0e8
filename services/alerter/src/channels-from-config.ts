import { chatChannel, webhookChannel, type Channel } from './channels.ts';
import type { AlerterConfig } from './config.ts';

/**
 * The outbox channels the configuration switches on, plus the Kafka channel when the caller built one
 * (it needs a connected producer). Alertmanager is posted from state, not through the outbox.
 */
export function channelsFromConfig(config: AlerterConfig, kafka?: Channel): Channel[] {
  const channels: Channel[] = [];
  if (config.webhookUrl)
    channels.push(webhookChannel(config.webhookUrl, config.webhookSecrets, config.deliveryTimeoutMs));
  if (config.chatWebhookUrl)
    channels.push(chatChannel(config.chatWebhookUrl, config.chatFormat, config.deliveryTimeoutMs));
  if (kafka) channels.push(kafka);
  return channels;
}
