/**
 * Accepted ranges and sizes of event fields, beyond what the Avro types say. Each bound protects
 * something downstream and is documented in schemas/README.md ("Accepted ranges and limits"):
 * event times must be representable by the scoring maths, and text must stay small enough for Redis
 * keys, Kafka records and dashboards.
 */

/**
 * Earliest event time accepted, ms since the epoch: 2000-01-01T00:00:00Z. No data-mesh programme has
 * history before 2000 (the term dates from 2019; the data products it adopts are younger than the
 * warehouses of the late 1990s), so an earlier time is a mistake: a `0`, a `-1000`, a date typed
 * wrong. It also keeps events well inside what scoring can represent: its anchored decay works up to
 * about 38 years either side of its anchor (2024-01-01, 1000 momentum half-lives of 14 days), i.e.
 * from 1986. The processor dead-letters anything earlier that reaches the topic anyway.
 */
export const EARLIEST_EVENT_TIME_MS = Date.UTC(2000, 0, 1);
/** {@link EARLIEST_EVENT_TIME_MS} as RFC 3339 text, for messages and docs. */
export const EARLIEST_EVENT_TIME = new Date(EARLIEST_EVENT_TIME_MS).toISOString().replace('.000Z', 'Z');

/**
 * Most UTF-8 bytes of an identifier (id, domain, productId, useCaseId, personId, teams, subject and
 * each item of productIds). Domains and product ids become parts of Redis keys and hash fields: 256
 * bytes keeps every key under about 1 KB while leaving room for catalog-style fully qualified names.
 */
export const MAX_IDENTIFIER_BYTES = 256;
/** Most UTF-8 bytes of `source`: a URI reference of the emitting tool. */
export const MAX_SOURCE_BYTES = 1024;
/** Most UTF-8 bytes of free text (`reason`): a sentence or a short paragraph, not a document. */
export const MAX_TEXT_BYTES = 2048;
/** Most UTF-8 bytes of a string field without a limit of its own (a field added to a schema later). */
export const MAX_STRING_BYTES = 1024;

/** The limit of each string field, by name; the rest get {@link MAX_STRING_BYTES}. */
export const STRING_FIELD_MAX_BYTES: Readonly<Record<string, number>> = {
  id: MAX_IDENTIFIER_BYTES,
  source: MAX_SOURCE_BYTES,
  subject: MAX_IDENTIFIER_BYTES,
  domain: MAX_IDENTIFIER_BYTES,
  productId: MAX_IDENTIFIER_BYTES,
  productIds: MAX_IDENTIFIER_BYTES,
  useCaseId: MAX_IDENTIFIER_BYTES,
  personId: MAX_IDENTIFIER_BYTES,
  consumerTeam: MAX_IDENTIFIER_BYTES,
  ownerTeam: MAX_IDENTIFIER_BYTES,
  name: MAX_IDENTIFIER_BYTES,
  // Semantic versions with pre-release and build metadata stay far below this.
  version: 128,
  currency: 3,
  reason: MAX_TEXT_BYTES,
};

export function maxBytesOf(field: string): number {
  return STRING_FIELD_MAX_BYTES[field] ?? MAX_STRING_BYTES;
}

/**
 * Why a string value of `field` is refused, or undefined when it is fine: not well-formed Unicode (a
 * lone surrogate, which Avro would silently turn into U+FFFD), containing U+FFFD itself (the mark a
 * decoder leaves where input bytes were not UTF-8: the original text is already lost), or longer than
 * the field's limit.
 */
/** With the `u` flag a surrogate pair is one code point, so only unpaired surrogates match `Cs`. */
const LONE_SURROGATE = /\p{Cs}/u;
/**
 * Any surrogate or U+FFFD: a single non-Unicode-mode scan that clears most text (ASCII identifiers) at
 * once, before the exact checks below.
 */
const SURROGATE_OR_REPLACEMENT = /[\uD800-\uDFFF\uFFFD]/;

export function stringProblem(field: string, value: string): string | undefined {
  if (SURROGATE_OR_REPLACEMENT.test(value)) {
    if (LONE_SURROGATE.test(value)) {
      return 'must be well-formed Unicode (it contains a lone UTF-16 surrogate)';
    }
    if (value.includes('\uFFFD')) {
      return 'contains U+FFFD, the mark of bytes that were not valid UTF-8; send the text as valid UTF-8';
    }
  }
  const max = maxBytesOf(field);
  // value.length * 3 bounds the UTF-8 size from above: skip the exact count for short strings.
  if (value.length * 3 > max) {
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > max) return `must be at most ${max} bytes of UTF-8 (got ${bytes})`;
  }
  return undefined;
}

/** Why a timestamp is refused, or undefined: before `earliestMs` ({@link EARLIEST_EVENT_TIME_MS}). */
export function timestampProblem(timeMs: number, earliestMs = EARLIEST_EVENT_TIME_MS): string | undefined {
  return timeMs < earliestMs
    ? `must not be before ${new Date(earliestMs).toISOString().replace('.000Z', 'Z')} (got ${describeTime(timeMs)}): no data-mesh history is that old, ` +
        'and scoring cannot represent times decades from its anchor'
    : undefined;
}

function describeTime(timeMs: number): string {
  const date = new Date(timeMs);
  return Number.isNaN(date.getTime()) ? String(timeMs) : date.toISOString();
}
