import { createHash } from 'node:crypto';
import { subjectFieldOf, type EventInput } from '@mesh-momentum/events';
import { AdapterPayloadError } from '../errors.ts';
import { deterministicEventId } from '../ids.ts';
import { ignored, type AdapterOutcome } from '../outcome.ts';
import type { CompiledExpression, CompiledMappingEntry, GenericMapping } from './mapping.ts';

export interface GenericDelivery {
  /**
   * The delivery identity: Standard Webhooks' `webhook-id`, a tool's delivery header, or
   * `bodyDeliveryId(rawBody)` when the tool sends none (then only byte-identical resends de-duplicate).
   */
  readonly deliveryId: string;
  readonly payload: unknown;
  /** Request headers (lower-case names), bound as `$headers` in expressions. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface GenericContext {
  readonly source: string;
  readonly receivedAtMs: number;
}

/** A delivery id from the raw body's SHA-256, for tools that send no delivery id of their own. */
export function bodyDeliveryId(rawBody: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
}

/** JSONata yields `undefined` for no match and a "sequence" array for several; both normalised here. */
function items(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? [...(value as unknown[])] : [value];
}

async function evaluate(
  expression: CompiledExpression,
  input: unknown,
  bindings: Record<string, unknown>,
  entry: string,
  what: string,
): Promise<unknown> {
  try {
    return await expression.evaluate(input, bindings);
  } catch (cause) {
    const message = (cause as { message?: string }).message ?? String(cause);
    throw new AdapterPayloadError('generic', `${entry}.${what}`, `JSONata evaluation failed: ${message}`, {
      cause,
    });
  }
}

async function eventsOf(
  entry: CompiledMappingEntry,
  delivery: GenericDelivery,
  context: GenericContext,
): Promise<EventInput[]> {
  const bindings = { payload: delivery.payload, headers: delivery.headers ?? {} };
  if (entry.when && !(await evaluate(entry.when, delivery.payload, bindings, entry.name, 'when'))) return [];
  const inputs = entry.forEach
    ? items(await evaluate(entry.forEach, delivery.payload, bindings, entry.name, 'forEach'))
    : [delivery.payload];
  const events: EventInput[] = [];
  for (const [index, input] of inputs.entries()) {
    const event: Record<string, unknown> = {
      id: deterministicEventId(context.source, delivery.deliveryId, `${entry.name}:${index}`),
      source: context.source,
      type: entry.type,
      // A payload without the time field falls back to the arrival time, as an entry without `time` does.
      time:
        (entry.time ? await evaluate(entry.time, input, bindings, entry.name, 'time') : undefined) ??
        context.receivedAtMs,
    };
    for (const [field, expression] of entry.fields) {
      const value = await evaluate(expression, input, bindings, entry.name, `fields.${field}`);
      // JSONata's sequences are arrays with extra properties: copy to plain JSON values.
      if (value !== undefined) event[field] = JSON.parse(JSON.stringify(value)) as unknown;
    }
    const entity = event[subjectFieldOf(entry.type)];
    if (typeof entity === 'string') event['subject'] = entity;
    events.push(event as unknown as EventInput);
  }
  return events;
}

/**
 * Applies every entry of a generic mapping to one delivery: each entry whose `when` holds yields one
 * event per `forEach` item (or one for the payload). The events are not validated here: the service runs
 * `validateEvent` on each, so a mapping that yields a bad value is refused with the field named.
 * `subject` repeats the type's entity field, as validation asks.
 *
 * @throws AdapterPayloadError when an expression fails on this payload (400, naming entry and field).
 */
export async function applyGenericMapping(
  mapping: GenericMapping,
  delivery: GenericDelivery,
  context: GenericContext,
): Promise<AdapterOutcome> {
  const events: EventInput[] = [];
  for (const entry of mapping.entries) events.push(...(await eventsOf(entry, delivery, context)));
  if (events.length === 0) return ignored('no-match', `no entry of ${mapping.file} matches this payload`);
  return { events, unmapped: [] };
}
