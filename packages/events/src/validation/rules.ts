import { SUBJECT_FIELDS, type EventType } from '../generated/event-types.ts';

/**
 * The rules of the catalogue that Avro types cannot express, in one place. Field rules are keyed by
 * field name and apply to every event type that has the field (a field name means the same thing in
 * every schema); event rules relate fields of one event. Each rule sees a value that already has the
 * right Avro type, and reports problems through `issue` with a reason a person can act on.
 */

/** Reports one problem; `at` extends the field path (an array index: `productIds.1`). */
export type IssueSink = (reason: string, at?: string | number) => void;
export type FieldRule = (value: unknown, issue: IssueSink) => void;
export type EventRule = (
  event: Readonly<Record<string, unknown>>,
  issue: (field: string, reason: string) => void,
) => void;

/** ISO 4217 alphabetic code shape; membership of the current code list is not checked (it changes). */
export const CURRENCY_PATTERN = /^[A-Z]{3}$/;

const nonEmpty: FieldRule = (value, issue) => {
  if (typeof value === 'string' && value.trim() === '') issue('must not be empty');
};

const nonNegative: FieldRule = (value, issue) => {
  if (typeof value === 'number' && value < 0) issue('must be >= 0');
};

const currency: FieldRule = (value, issue) => {
  if (typeof value === 'string' && !CURRENCY_PATTERN.test(value)) {
    issue('must be an ISO 4217 currency code: three upper-case letters, e.g. EUR');
  }
};

/** The schema says: pseudonymous, never an e-mail address, a name or another directly identifying value. */
const pseudonymous: FieldRule = (value, issue) => {
  if (typeof value !== 'string') return;
  if (value.includes('@')) issue('must be a pseudonymous identifier, not an e-mail address');
  else if (/\s/.test(value.trim())) issue('must be a pseudonymous identifier without spaces, not a name');
};

const nonNegativeDecimal: FieldRule = (value, issue) => {
  if (typeof value === 'string' && value.startsWith('-')) issue('must be >= 0');
};

/**
 * Domains and product ids become part of Redis keys, inside a `{...}` hash tag: braces or whitespace in
 * them would break the key layout, so they are refused here, where the sender can be told.
 */
export const KEY_SAFE_IDENTIFIER = /^[^{}\s]+$/;

const keySafe: FieldRule = (value, issue) => {
  if (typeof value === 'string' && value.trim() !== '' && !KEY_SAFE_IDENTIFIER.test(value)) {
    issue('must not contain braces or whitespace');
  }
};

/** Most data products one use case may name; a bound keeps one event's work in Redis bounded. */
export const MAX_PRODUCT_IDS = 100;

/** A non-empty list of distinct, non-empty, key-safe identifiers. */
const identifierSet: FieldRule = (value, issue) => {
  if (!Array.isArray(value)) return;
  if (value.length === 0) issue('must contain at least one identifier');
  if (value.length > MAX_PRODUCT_IDS) issue(`must contain at most ${MAX_PRODUCT_IDS} identifiers`);
  const firstIndex = new Map<unknown, number>();
  value.forEach((item: unknown, index) => {
    if (typeof item === 'string' && item.trim() === '') issue('must not be empty', index);
    else if (typeof item === 'string' && !KEY_SAFE_IDENTIFIER.test(item)) {
      issue('must not contain braces or whitespace', index);
    }
    const first = firstIndex.get(item);
    if (first === undefined) firstIndex.set(item, index);
    else issue(`duplicates item ${first} (${JSON.stringify(item)})`, index);
  });
};

/**
 * Rules per field name. Identifiers must be non-empty: an empty id, domain or team would merge
 * unrelated events in dedup and in the standing-support counts. Free text (`reason`) may be empty.
 */
export const FIELD_RULES: Readonly<Record<string, readonly FieldRule[]>> = {
  id: [nonEmpty],
  source: [nonEmpty],
  subject: [nonEmpty],
  domain: [nonEmpty, keySafe],
  productId: [nonEmpty, keySafe],
  useCaseId: [nonEmpty],
  personId: [nonEmpty, pseudonymous],
  consumerTeam: [nonEmpty],
  ownerTeam: [nonEmpty],
  name: [nonEmpty],
  version: [nonEmpty],
  productIds: [identifierSet],
  currency: [currency],
  estimatedAnnualValue: [nonNegativeDecimal],
  audienceSize: [nonNegative],
  activeConsumers: [nonNegative],
  queries: [nonNegative],
};

/** `subject` repeats the entity field named in the schema's docs (SUBJECT_FIELDS, generated from them). */
const subjectMatchesEntity: EventRule = (event, issue) => {
  const entityField = SUBJECT_FIELDS[event['type'] as EventType] as string | undefined;
  if (!entityField) return;
  const entity = event[entityField];
  if (typeof entity === 'string' && typeof event['subject'] === 'string' && event['subject'] !== entity) {
    issue('subject', `must equal ${entityField} (${JSON.stringify(entity)})`);
  }
};

/** Rules relating fields of one event; `'*'` applies to every type. */
export const EVENT_RULES: Readonly<Partial<Record<EventType | '*', readonly EventRule[]>>> = {
  '*': [subjectMatchesEntity],
  ProductUsageReported: [
    (event, issue) => {
      const { periodStart, periodEnd } = event;
      // The schema: periodStart inclusive, periodEnd exclusive, periodEnd > periodStart.
      if (typeof periodStart === 'number' && typeof periodEnd === 'number' && periodEnd <= periodStart) {
        issue('periodEnd', 'must be after periodStart (the period end is exclusive)');
      }
    },
  ],
};
