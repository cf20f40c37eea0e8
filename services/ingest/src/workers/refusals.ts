import type { ToolName, UnmappedEntity } from '@mesh-momentum/adapters';
import { isDataError } from '@mesh-momentum/common';
import type { Publisher } from '../publisher.ts';
import { refusal } from '../unmapped.ts';
import { PollHttpError } from './http-json.ts';

/** A tool's answers saying the resource an item refers to is gone for good. */
const GONE_STATUSES: ReadonlySet<number> = new Set([404, 410]);

/**
 * What a poller does with an item that can never be sent: data that is bad in itself (a payload the
 * adapter cannot map, an event validation refuses: `isDataError`) or a resource the tool deleted before
 * the poller reached it (404, 410). It is recorded where teams look for their mapping problems
 * (GET /v1/admin/unmapped) and skipped, so one bad item never stops the feed for good. Anything else is
 * a dependency's failure, however permanent it looks (the registry refusing the credentials or lacking a
 * schema, Kafka refusing the principal, the tool refusing the API key): it fails the round, nothing is
 * skipped, and the next round retries from the saved position once it is fixed.
 */
export function isPermanent(error: unknown): boolean {
  if (error instanceof PollHttpError) return GONE_STATUSES.has(error.status);
  return isDataError(error);
}

/**
 * Sends each event on its own. Refused for its data: returned as refusals (the others are still sent);
 * failed for any other reason: thrown, after every event had its chance.
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
