import { AdapterPayloadError } from '../errors.ts';
import { PayloadReader } from '../payload.ts';

/** Type prefixes of the feed: Data Mesh Manager's and, after the rename, Entropy Data's. */
export const DMM_EVENT_TYPE_PREFIXES = ['com.datamesh-manager.events.', 'com.entropy-data.events.'] as const;

/** One CloudEvent of the `GET /api/events` feed, reduced to what the mapping reads. */
export interface DmmFeedEvent {
  /** The feed's event id: the paging cursor (`lastEventId`) and the delivery identity. */
  readonly id: string;
  /** The type without its prefix: `DataProductCreatedEvent`, `AccessActivatedEvent`, … */
  readonly type: string;
  /** The CloudEvent `time`, ms since the epoch, when given. */
  readonly timeMs: number | undefined;
  /** The id of the resource the event is about (`data.id`, else `subject`). */
  readonly resourceId: string;
}

/**
 * Reads one page of the events feed (`application/cloudevents-batch+json`: a JSON array, oldest first,
 * at most 1000 events).
 * @throws AdapterPayloadError naming the item and field.
 */
export function parseDmmFeedPage(body: unknown): DmmFeedEvent[] {
  if (!Array.isArray(body))
    throw new AdapterPayloadError('dmm', '(body)', 'must be a JSON array of CloudEvents');
  const reader = new PayloadReader('dmm', { events: body });
  return body.map((_, i) => {
    const p = `events.${i}`;
    const fullType = reader.string(`${p}.type`);
    const prefix = DMM_EVENT_TYPE_PREFIXES.find((candidate) => fullType.startsWith(candidate));
    return {
      id: reader.string(`${p}.id`),
      type: prefix === undefined ? fullType : fullType.slice(prefix.length),
      timeMs: reader.optionalTimeMs(`${p}.time`),
      resourceId: reader.optionalString(`${p}.data.id`) ?? reader.string(`${p}.subject`),
    };
  });
}

/**
 * The cursor to resume from after `page` has been processed: the id of its last event, or the previous
 * cursor when the page was empty. Persist it only after the page's events are acknowledged by Kafka, so a
 * restart neither skips nor repeats (a repeat would be harmless anyway: event ids are deterministic).
 */
export function nextDmmCursor(
  page: readonly DmmFeedEvent[],
  previous: string | undefined,
): string | undefined {
  return page.at(-1)?.id ?? previous;
}

/** The query for the next request: `/api/events?lastEventId=<cursor>` (no parameter on the first call). */
export function dmmFeedQuery(cursor: string | undefined): Readonly<Record<string, string>> {
  return cursor === undefined ? {} : { lastEventId: cursor };
}
