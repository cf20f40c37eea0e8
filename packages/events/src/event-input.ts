import { v7 as uuidv7 } from 'uuid';
import type {
  DecimalFieldName,
  DomainEvent,
  EventType,
  TimestampFieldName,
} from './generated/event-types.ts';
import { SUBJECT_FIELDS } from './generated/event-types.ts';

/** Envelope fields a producer may leave out: `withDefaults` fills them. */
export type DefaultedEnvelopeField = 'id' | 'time' | 'subject';

type Loosen<E> = {
  readonly [K in keyof E]: K extends TimestampFieldName
    ? number | string
    : K extends DecimalFieldName
      ? string | number
      : E[K];
};

type NullableKeys<E> = { [K in keyof E]: null extends E[K] ? K : never }[keyof E];

/**
 * What a producer hands over for one event, before `withDefaults` and `validateEvent`: timestamps as
 * epoch ms or RFC 3339 text, decimals as string or number, `id`, `time`, `subject` and nullable fields
 * optional.
 */
export type EventInput<E extends DomainEvent = DomainEvent> = E extends DomainEvent
  ? Omit<Loosen<E>, DefaultedEnvelopeField | NullableKeys<E>> &
      Partial<Pick<Loosen<E>, DefaultedEnvelopeField | NullableKeys<E>>>
  : never;

export interface EventDefaultsOptions {
  /** The current time, ms since the epoch: the default `time`, and the timestamp inside a UUIDv7. */
  readonly nowMs: number;
  /**
   * Makes a new event id.
   * @defaultValue a UUIDv7 at `nowMs`: time-ordered, so ids of one source sort roughly by creation.
   */
  readonly newId?: () => string;
}

/**
 * Fills the envelope fields a producer may omit: `id` (new UUIDv7), `time` (now) and `subject` (the
 * type's entity field, e.g. productId). Values given are kept untouched; nothing is validated here.
 * Call it once per occurrence and keep the result for retries, so a retry reuses the id.
 */
export function withDefaults(
  input: Readonly<Record<string, unknown>>,
  options: EventDefaultsOptions,
): Record<string, unknown> {
  return fillDefaults({ ...input }, options);
}

/** {@link withDefaults} on an object the caller has just made: fills it in place instead of copying it. */
export function fillDefaults(
  out: Record<string, unknown>,
  options: EventDefaultsOptions,
): Record<string, unknown> {
  if (out['id'] === undefined) out['id'] = options.newId ? options.newId() : uuidv7({ msecs: options.nowMs });
  if (out['time'] === undefined) out['time'] = options.nowMs;
  if (out['subject'] === undefined) {
    const entityField = (SUBJECT_FIELDS as Readonly<Record<string, string>>)[String(out['type'])];
    const entity = entityField === undefined ? undefined : out[entityField];
    if (typeof entity === 'string') out['subject'] = entity;
  }
  return out;
}

/** The entity field `subject` repeats for `type` (productId, useCaseId, personId or domain). */
export function subjectFieldOf(type: EventType): string {
  return SUBJECT_FIELDS[type];
}
