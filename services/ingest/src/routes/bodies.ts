import { IngestError, IngestErrorCodes } from '../errors.ts';

/** Media types of the event routes. */
export const JSON_TYPE = 'application/json';
export const CLOUDEVENTS_TYPE = 'application/cloudevents+json';
export const CLOUDEVENTS_BATCH_TYPE = 'application/cloudevents-batch+json';
export const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl'] as const;

/** CloudEvents envelope attributes that map onto our envelope; `data` holds the payload fields. */
const CE_ATTRIBUTES = ['id', 'source', 'type', 'time', 'subject'] as const;

/**
 * A CloudEvents 1.0 structured-mode event (`application/cloudevents+json`) as our flat event input:
 * `specversion` must be 1.0, `data` an object; `id`, `source`, `type`, `time`, `subject` come from the
 * envelope, the payload fields (`domain`, …) from `data`. `datacontenttype` may only be JSON.
 */
export function fromStructuredCloudEvent(body: unknown, at = ''): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new IngestError(IngestErrorCodes.BODY_INVALID, `${at || 'body'}: must be a CloudEvent object`, {
      field: at || '(body)',
    });
  const ce = body as Record<string, unknown>;
  const field = (name: string) => (at ? `${at}.${name}` : name);
  if (ce['specversion'] !== '1.0')
    throw new IngestError(IngestErrorCodes.BODY_INVALID, `${field('specversion')}: must be "1.0"`, {
      field: field('specversion'),
    });
  const contentType = ce['datacontenttype'];
  if (contentType !== undefined && contentType !== JSON_TYPE)
    throw new IngestError(
      IngestErrorCodes.BODY_INVALID,
      `${field('datacontenttype')}: must be ${JSON_TYPE}`,
      {
        field: field('datacontenttype'),
      },
    );
  const data = ce['data'];
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new IngestError(
      IngestErrorCodes.BODY_INVALID,
      `${field('data')}: must be a JSON object of the event's fields`,
      {
        field: field('data'),
      },
    );
  const out: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  for (const name of CE_ATTRIBUTES) if (ce[name] !== undefined) out[name] = ce[name];
  return out;
}

/** NDJSON: one JSON value per non-empty line; a bad line is named by its number (1-based). */
export function parseNdjson(text: string): unknown[] {
  const items: unknown[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    try {
      items.push(JSON.parse(line));
    } catch (error) {
      throw new IngestError(
        IngestErrorCodes.BODY_INVALID,
        `line ${i + 1}: not JSON (${(error as Error).message})`,
        {
          field: `line ${i + 1}`,
        },
      );
    }
  }
  return items;
}

/** The media type without parameters, lower case. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}
