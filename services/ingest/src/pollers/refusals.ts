import type { ToolName, UnmappedEntity } from '@mesh-momentum/adapters';
import { isRetriable } from '@mesh-momentum/common';
import type { Publisher } from '../publisher.ts';
import { refusal } from '../unmapped.ts';
import { PollHttpError } from './http-json.ts';

/**
 * What a poller does with an item that can never be sent (a resource deleted before the poller reached it,
 * a payload the adapter cannot map, an event validation refuses): it is recorded where teams look for
 * their mapping problems (GET /v1/admin/unmapped) and skipped, so one bad item never stops the feed for
 * good. Anything that may succeed later (Kafka, Redis, the tool answering 5xx) still fails the round,
 * which is retried from the saved position.
 */
export function isPermanent(error: unknown): boolean {
  if (error instanceof PollHttpError)
    return error.status >= 400 && error.status < 500 && ![408, 429].includes(error.status);
  return error instanceof Error && 'code' in error && !isRetriable(error);
}

/**
 * Sends each event on its own. Refused for good: returned as refusals (the others are still sent);
 * failed for a reason that may pass: thrown, after every event had its chance.
 */
export async function publishSkippingRefused(
  publisher: Publisher,
  tool: ToolName,
  events: readonly { readonly id?: string | undefined }[],
): Promise<{ sent: number; refused: UnmappedEntity[] }> {
  const outcomes = await publisher.publishEach(events);
  const refused: UnmappedEntity[] = [];
  let sent = 0;
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome.ok) {
      sent++;
      continue;
    }
    if (!isPermanent(outcome.error)) throw outcome.error;
    refused.push(refusal(tool, events[i]?.id ?? `event ${i}`, outcome.error));
  }
  return { sent, refused };
}
