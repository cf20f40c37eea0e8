import { signStandardWebhook } from '@mesh-momentum/webhook-auth';
import type { Notification } from '../types.ts';

/** The `type` of our Standard Webhooks payload. */
export const WEBHOOK_EVENT_TYPE = 'mesh-momentum.alert.notification';

/** A ready-to-send signed request: exact body bytes and the headers. */
export interface SignedRequest {
  readonly body: string;
  readonly headers: Record<string, string>;
}

/**
 * The generic JSON webhook: a Standard Webhooks payload `{type, timestamp, data}` whose `data` is the
 * whole notification (group, alerts with labels, annotations and evidence), signed with the
 * `webhook-id` = the idempotency key, so a receiver de-duplicates retries with the header alone.
 */
export function webhookRequest(
  notification: Notification,
  secrets: readonly string[],
  sendAtMs: number,
): SignedRequest {
  const body = JSON.stringify({
    type: WEBHOOK_EVENT_TYPE,
    timestamp: new Date(notification.decidedAtMs).toISOString(),
    data: notification,
  });
  const signature =
    secrets.length === 0
      ? {}
      : signStandardWebhook({ id: notification.idempotencyKey, timestampMs: sendAtMs, body, secrets });
  return {
    body,
    headers: {
      'content-type': 'application/json',
      // Also sent unsigned, for receivers that only want to de-duplicate.
      'idempotency-key': notification.idempotencyKey,
      ...signature,
    },
  };
}
