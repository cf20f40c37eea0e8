import {
  chatPayload,
  webhookRequest,
  type ChatFormat,
  type Notification,
  type PostableAlert,
} from '@mesh-momentum/alerting';
import { isRetriableHttpStatus } from '@mesh-momentum/common';
import type { ChannelName } from './alert-store.ts';
import { DeliveryFailedError } from './errors.ts';

/** Sends one notification to one receiver; throws DeliveryFailedError (with `retriable`) when it fails. */
export interface Channel {
  readonly name: ChannelName;
  send(notification: Notification, nowMs: number): Promise<void>;
}

/** One bounded HTTP POST; a timeout, a network error and a retriable status (`isRetriableHttpStatus`) are retriable. */
export async function postJson(
  channel: string,
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    throw new DeliveryFailedError(channel, `no answer: ${(error as Error).message}`, {
      retriable: true,
      cause: error,
    });
  }
  // Drained so the connection can be reused; the receiver's text helps the operator.
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    throw new DeliveryFailedError(channel, `HTTP ${response.status} ${text.slice(0, 200)}`, {
      retriable: isRetriableHttpStatus(response.status),
      status: response.status,
    });
  }
}

/** The generic JSON webhook, signed with Standard Webhooks headers when secrets are configured. */
export function webhookChannel(url: string, secrets: readonly string[], timeoutMs: number): Channel {
  return {
    name: 'webhook',
    send: async (notification, nowMs) => {
      const req = webhookRequest(notification, secrets, nowMs);
      await postJson('webhook', url, req.body, req.headers, timeoutMs);
    },
  };
}

/** A chat incoming webhook (`{text}` in the receiver's markup, see packages/alerting payloads/chat.ts). */
export function chatChannel(url: string, format: ChatFormat, timeoutMs: number): Channel {
  return {
    name: 'chat',
    send: async (notification) => {
      await postJson('chat', url, JSON.stringify(chatPayload(notification, format)), {}, timeoutMs);
    },
  };
}

/** Alertmanager's v2 API: `POST /api/v2/alerts` with the current alerts (it de-duplicates by labels). */
export async function postToAlertmanager(
  baseUrl: string,
  alerts: readonly PostableAlert[],
  timeoutMs: number,
): Promise<void> {
  if (alerts.length === 0) return;
  await postJson('alertmanager', `${baseUrl}/api/v2/alerts`, JSON.stringify(alerts), {}, timeoutMs);
}
