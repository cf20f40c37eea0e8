import { EventValidationError, FutureDatedEventError, type FieldIssue } from '@mesh-momentum/common';
import { EVENT_TYPES, type DomainEvent, type EventType } from '../generated/event-types.ts';
import { coerceDecimal, coerceTimestamp, typeName } from './coerce.ts';
import { EVENT_SPECS, type EventSpec, type FieldKind, type FieldSpec } from './fields.ts';
import { EARLIEST_EVENT_TIME_MS, stringProblem, timestampProblem } from './limits.ts';
import { EVENT_RULES, FIELD_RULES, type EventRule, type FieldRule, type IssueSink } from './rules.ts';

export interface ValidateEventOptions {
  /** The current time, ms since the epoch (injected so tests and replays are deterministic). */
  readonly nowMs: number;
  /** How far an event's `time` may lie ahead of `nowMs` (producer clock skew), ms. */
  readonly maxFutureSkewMs: number;
  /**
   * Earliest accepted time of every timestamp field, ms since the epoch. Producers keep the default;
   * the processor may pass `-Infinity` and judge the range itself, to dead-letter such records with a
   * reason of their own (MM_ERR_EVENT_OUT_OF_RANGE) instead of MM_ERR_EVENT_INVALID.
   * @defaultValue EARLIEST_EVENT_TIME_MS (2000-01-01T00:00:00Z)
   */
  readonly earliestTimeMs?: number;
}

const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES);

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && EVENT_TYPE_SET.has(value);
}

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
/** avsc encodes JS numbers as Avro longs up to ±(2^53 − 2): one less than Number.MAX_SAFE_INTEGER. */
const LONG_LIMIT = 9_007_199_254_740_990;

/**
 * What `coerce` answers for a value it refused, after recording why: a sentinel rather than a
 * `{ ok, value }` wrapper, so checking a valid field (every field of almost every event) allocates
 * nothing.
 */
const REFUSED: unique symbol = Symbol('refused');

function refuse(issues: FieldIssue[], path: string, reason: string): typeof REFUSED {
  issues.push({ field: path, reason });
  return REFUSED;
}

function got(value: unknown): string {
  return ` (got ${typeName(value)})`;
}

/**
 * Checks one value against its Avro kind and the accepted ranges (limits.ts); returns the canonical
 * value, or REFUSED after recording why not in `issues`. `field` is the schema field the value belongs
 * to (limits are per field), `path` where it sits (`productIds.3`).
 */
function coerce(
  kind: FieldKind,
  value: unknown,
  path: string,
  issues: FieldIssue[],
  earliestTimeMs: number,
  field = path,
): unknown {
  switch (kind.kind) {
    case 'string': {
      if (typeof value !== 'string') return refuse(issues, path, `must be a string${got(value)}`);
      const problem = stringProblem(field, value);
      return problem === undefined ? value : refuse(issues, path, problem);
    }
    case 'boolean':
      return typeof value === 'boolean' ? value : refuse(issues, path, `must be true or false${got(value)}`);
    case 'double':
      return typeof value === 'number' && Number.isFinite(value)
        ? value
        : refuse(issues, path, `must be a number${got(value)}`);
    case 'int':
      return Number.isInteger(value) && (value as number) >= INT_MIN && (value as number) <= INT_MAX
        ? value
        : refuse(issues, path, `must be an integer (32-bit)${got(value)}`);
    case 'long':
      return Number.isInteger(value) && Math.abs(value as number) <= LONG_LIMIT
        ? value
        : refuse(issues, path, `must be an integer of at most ${LONG_LIMIT}${got(value)}`);
    case 'timestamp': {
      // Epoch milliseconds (every decoded record) need no parsing: coerceTimestamp's result object
      // is only built for text and for the reasons of a refusal.
      let timeMs: number;
      if (typeof value === 'number' && Number.isSafeInteger(value)) timeMs = value;
      else {
        const result = coerceTimestamp(value);
        if (!result.ok) return refuse(issues, path, result.reason);
        timeMs = result.value;
      }
      const problem = timestampProblem(timeMs, earliestTimeMs);
      return problem === undefined ? timeMs : refuse(issues, path, problem);
    }
    case 'decimal': {
      const result = coerceDecimal(value, kind.scale, kind.precision);
      return result.ok ? result.value : refuse(issues, path, result.reason);
    }
    case 'enum':
      return typeof value === 'string' && kind.symbols.includes(value)
        ? value
        : refuse(issues, path, `must be one of ${kind.symbols.join(', ')}${got(value)}`);
    case 'nullable':
      return value === null || value === undefined
        ? null
        : coerce(kind.inner, value, path, issues, earliestTimeMs, field);
    case 'array': {
      if (!Array.isArray(value)) return refuse(issues, path, `must be an array${got(value)}`);
      const before = issues.length;
      const items: unknown[] = new Array(value.length);
      for (let i = 0; i < value.length; i++) {
        items[i] = coerce(kind.items, value[i], `${path}.${i}`, issues, earliestTimeMs, field);
      }
      return issues.length > before ? REFUSED : items;
    }
  }
}

/** One field of a type's validation plan: its spec and the rules of its name, looked up once. */
interface PlannedField extends FieldSpec {
  readonly rules: readonly FieldRule[];
  /** Object and array defaults are cloned per event, so no event shares (and can change) the spec's. */
  readonly cloneDefault: boolean;
}

/** What validating one type takes, derived once from its spec and the rules, not per event. */
interface ValidationPlan {
  readonly spec: EventSpec;
  readonly fields: readonly PlannedField[];
  readonly eventRules: readonly EventRule[];
}

const PLANS: ReadonlyMap<string, ValidationPlan> = new Map(
  [...EVENT_SPECS.values()].map((spec) => [
    spec.type,
    {
      spec,
      fields: spec.fields.map((field) => ({
        ...field,
        rules: FIELD_RULES[field.name] ?? [],
        cloneDefault: typeof field.defaultValue === 'object' && field.defaultValue !== null,
      })),
      eventRules: [...(EVENT_RULES['*'] ?? []), ...(EVENT_RULES[spec.type as EventType] ?? [])],
    },
  ]),
);

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a JSON-ish event (from the SDK, an HTTP body or the CLI) against the catalogue and returns
 * it in canonical form: `time` and other timestamps in epoch ms, decimals as strings with the schema's
 * scale, fields in schema order, absent defaulted fields filled with their defaults.
 *
 * @throws EventValidationError listing every problem as `{field, reason}` (`role`, `productIds.1`).
 * @throws FutureDatedEventError when `time` lies more than `maxFutureSkewMs` after `nowMs`.
 */
export function validateEvent(input: unknown, options: ValidateEventOptions): DomainEvent {
  if (!isPlainObject(input)) {
    throw new EventValidationError(undefined, [
      { field: '(event)', reason: `must be an object (got ${typeName(input)})` },
    ]);
  }
  const type = input['type'];
  const plan = typeof type === 'string' ? PLANS.get(type) : undefined;
  if (!plan) {
    const reason =
      type === undefined
        ? `is required; one of ${EVENT_TYPES.join(', ')}`
        : `must be one of ${EVENT_TYPES.join(', ')} (got ${typeName(type)})`;
    throw new EventValidationError(typeof type === 'string' ? type : undefined, [{ field: 'type', reason }]);
  }
  const { spec } = plan;

  const issues: FieldIssue[] = [];
  const event: Record<string, unknown> = {};
  const earliestTimeMs = options.earliestTimeMs ?? EARLIEST_EVENT_TIME_MS;
  // One sink for the rules of every field (the field they judge in `ruleField`), not one per field.
  let ruleField = '';
  const fieldIssue: IssueSink = (reason, at) =>
    issues.push({ field: at === undefined ? ruleField : `${ruleField}.${at}`, reason });
  for (const field of plan.fields) {
    const raw = input[field.name];
    if (raw === undefined) {
      if (field.hasDefault)
        event[field.name] = field.cloneDefault ? structuredClone(field.defaultValue) : field.defaultValue;
      else issues.push({ field: field.name, reason: 'is required' });
      continue;
    }
    const value = coerce(field.type, raw, field.name, issues, earliestTimeMs);
    if (value === REFUSED) continue;
    event[field.name] = value;
    ruleField = field.name;
    for (const rule of field.rules) rule(value, fieldIssue);
  }
  // Own keys only (an avsc record's prototype has enumerable methods, which `for...in` would walk too).
  for (const key of Object.keys(input)) {
    if (!spec.fieldNames.has(key) && input[key] !== undefined) {
      issues.push({ field: key, reason: `is not a field of ${spec.type}` });
    }
  }
  const eventIssue = (field: string, reason: string) => issues.push({ field, reason });
  for (const rule of plan.eventRules) rule(event, eventIssue);
  if (issues.length > 0) throw new EventValidationError(spec.type, issues);

  const maxAllowedMs = options.nowMs + options.maxFutureSkewMs;
  const timeMs = event['time'] as number;
  if (timeMs > maxAllowedMs) throw new FutureDatedEventError(timeMs, maxAllowedMs);

  // Defence in depth: the record must also be valid for the Avro type that will encode it. Checked
  // without an error hook first (avsc then tracks no paths and allocates nothing); only a record that
  // fails is checked again to name its fields.
  if (!spec.entry.avroType.isValid(event)) {
    const avroIssues: FieldIssue[] = [];
    spec.entry.avroType.isValid(event, {
      errorHook: (path) =>
        avroIssues.push({ field: path.join('.') || '(event)', reason: 'does not match the Avro schema' }),
    });
    throw new EventValidationError(spec.type, avroIssues);
  }
  return event as unknown as DomainEvent;
}
