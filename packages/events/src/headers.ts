import { EventValidationError, type FieldIssue } from '@mesh-momentum/common';
import type { DomainEvent } from './generated/event-types.ts';
import { formatRfc3339, parseRfc3339 } from './validation/coerce.ts';

/**
 * Kafka records in the CloudEvents 1.0 Kafka protocol binding, binary content mode: the record value
 * is the event data (the Avro record in the Confluent wire format), the context attributes travel as
 * `ce_`-prefixed headers, and the data content type as the plain `content-type` header (the binding
 * maps `datacontenttype` there, without prefix). Consumers can route, filter or dead-letter on the
 * headers without decoding the value.
 *
 * `ce_type` is the plain event type name (`ChampionGained`), exactly the `type` field of the record,
 * so headers and body never disagree and the same name works in the SDK, the HTTP ingest and the
 * CLI. (CloudEvents suggests reverse-DNS type names; our namespace lives in the Avro record name and
 * the registry subject, `io.meshmomentum.events.ChampionGained`, instead.)
 *
 * `content-type` is `application/avro`: the value is Avro binary, not JSON. It is framed the
 * Confluent way (magic byte 0 and a 4-byte schema id before the Avro body), which every Confluent-
 * compatible deserializer expects; the writer schema is found through that id, so no `dataschema`
 * header is sent. The key is the domain, so the events of one domain stay ordered on one partition.
 */

export const CLOUDEVENTS_SPEC_VERSION = '1.0';
export const EVENT_CONTENT_TYPE = 'application/avro';

/** Header names of the binding. */
export const CE_HEADERS = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  source: 'ce_source',
  type: 'ce_type',
  time: 'ce_time',
  subject: 'ce_subject',
  contentType: 'content-type',
} as const;

export interface KafkaEventMessage {
  /** The event's domain: the partitioning key. */
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
}

/** The CloudEvents context attributes read back from record headers. */
export interface CloudEventAttributes {
  readonly specversion: typeof CLOUDEVENTS_SPEC_VERSION;
  readonly id: string;
  readonly source: string;
  /** Event type name as sent; may name a type this build does not know (see `isEventType`). */
  readonly type: string;
  /** Event time, ms since the epoch. */
  readonly time: number;
  readonly subject: string;
  readonly contentType: string;
}

/** Headers as kafkajs hands them to consumers. */
export type KafkaHeaderValue = Buffer | string | readonly (Buffer | string)[] | undefined;
export type KafkaHeaders = Readonly<Record<string, KafkaHeaderValue>>;

/** The Kafka record of an encoded event (`value` from `EventCodec.encode`). */
export function toKafkaMessage(event: DomainEvent, value: Buffer): KafkaEventMessage {
  return {
    key: event.domain,
    value,
    headers: {
      [CE_HEADERS.specversion]: CLOUDEVENTS_SPEC_VERSION,
      [CE_HEADERS.id]: event.id,
      [CE_HEADERS.source]: event.source,
      [CE_HEADERS.type]: event.type,
      [CE_HEADERS.time]: formatRfc3339(event.time),
      [CE_HEADERS.subject]: event.subject,
      [CE_HEADERS.contentType]: EVENT_CONTENT_TYPE,
    },
  };
}

function headerText(value: KafkaHeaderValue): string | undefined {
  // A header repeated in one record: the last occurrence wins, as in most HTTP-style header maps.
  const one = Array.isArray(value) ? value[value.length - 1] : (value as Buffer | string | undefined);
  if (one === undefined) return undefined;
  return typeof one === 'string' ? one : one.toString('utf8');
}

/**
 * Reads the CloudEvents attributes of a record without decoding its value.
 * @throws EventValidationError naming every missing or malformed header.
 */
export function fromKafkaHeaders(headers: KafkaHeaders | undefined): CloudEventAttributes {
  const issues: FieldIssue[] = [];
  const read = (name: string): string => {
    const text = headerText(headers?.[name]);
    if (text === undefined || text === '') issues.push({ field: name, reason: 'header is missing or empty' });
    return text ?? '';
  };
  const specversion = read(CE_HEADERS.specversion);
  const id = read(CE_HEADERS.id);
  const source = read(CE_HEADERS.source);
  const type = read(CE_HEADERS.type);
  const timeText = read(CE_HEADERS.time);
  const subject = read(CE_HEADERS.subject);
  const contentType = read(CE_HEADERS.contentType);
  if (specversion !== '' && specversion !== CLOUDEVENTS_SPEC_VERSION) {
    issues.push({
      field: CE_HEADERS.specversion,
      reason: `must be ${CLOUDEVENTS_SPEC_VERSION} (got ${specversion})`,
    });
  }
  const time = timeText === '' ? undefined : parseRfc3339(timeText);
  if (timeText !== '' && time === undefined) {
    issues.push({ field: CE_HEADERS.time, reason: `must be an RFC 3339 timestamp (got ${timeText})` });
  }
  if (issues.length > 0 || time === undefined) throw new EventValidationError(type || undefined, issues);
  return { specversion: CLOUDEVENTS_SPEC_VERSION, id, source, type, time, subject, contentType };
}
