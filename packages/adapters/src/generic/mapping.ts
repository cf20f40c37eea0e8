import jsonata from 'jsonata';
import { EVENT_SPECS, isEventType, type EventType } from '@mesh-momentum/events';
import { MappingInvalidError, type MappingIssue } from '../errors.ts';
import { isRecord } from '../payload.ts';
import { parseYamlSource, type YamlSource } from '../yaml-source.ts';

/** Envelope fields the adapter fills itself: a mapping may set only `time` among them (see `time`). */
const ENVELOPE_FIELDS: ReadonlySet<string> = new Set(['id', 'source', 'type', 'time', 'subject']);
/** Entry names go into event ids: keep them to characters that cannot collide with the separators. */
const ENTRY_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const ENTRY_KEYS = ['name', 'when', 'forEach', 'type', 'fields', 'time'] as const;

export type CompiledExpression = ReturnType<typeof jsonata>;

/** One validated entry: JSONata expressions compiled once at load. */
export interface CompiledMappingEntry {
  readonly name: string;
  readonly type: EventType;
  /** Predicate on the payload; the entry applies when it is truthy. Absent: always. */
  readonly when: CompiledExpression | undefined;
  /** Expression yielding the items to map one event each. Absent: the payload itself, once. */
  readonly forEach: CompiledExpression | undefined;
  /** Field name → expression evaluated on the item, with `$payload` and `$headers` bound. */
  readonly fields: ReadonlyMap<string, CompiledExpression>;
  /** Event time (RFC 3339 text or epoch ms). Absent: the time the delivery was received. */
  readonly time: CompiledExpression | undefined;
}

export interface GenericMapping {
  readonly file: string;
  readonly entries: readonly CompiledMappingEntry[];
}

class Issues {
  readonly list: MappingIssue[] = [];
  private readonly source: YamlSource | undefined;

  constructor(source: YamlSource | undefined) {
    this.source = source;
  }

  add(entry: string, path: readonly (string | number)[], reason: string): void {
    const line = this.source?.lineOf(path);
    this.list.push(line === undefined ? { entry, reason } : { entry, line, reason });
  }
}

function compile(
  expression: unknown,
  entry: string,
  path: readonly (string | number)[],
  issues: Issues,
): CompiledExpression | undefined {
  const what = path.slice(2).join('.');
  if (typeof expression !== 'string' || expression.trim() === '') {
    issues.add(entry, path, `${what} must be a JSONata expression (a non-empty string)`);
    return undefined;
  }
  try {
    return jsonata(expression);
  } catch (error) {
    const e = error as { message?: string; position?: number };
    issues.add(
      entry,
      path,
      `${what}: JSONata syntax error${e.position === undefined ? '' : ` at character ${e.position}`}: ${e.message ?? String(error)}`,
    );
    return undefined;
  }
}

/** Fields of `type` a mapping must give: neither envelope, nor defaulted, nor nullable. */
function requiredFields(type: EventType): string[] {
  const spec = EVENT_SPECS.get(type);
  return (spec?.fields ?? [])
    .filter((f) => !ENVELOPE_FIELDS.has(f.name) && !f.hasDefault && f.type.kind !== 'nullable')
    .map((f) => f.name);
}

function compileEntry(
  value: unknown,
  index: number,
  names: Set<string>,
  issues: Issues,
): CompiledMappingEntry | undefined {
  const path = ['mappings', index];
  const label = isRecord(value) && typeof value['name'] === 'string' ? value['name'] : `mappings[${index}]`;
  if (!isRecord(value)) {
    issues.add(label, path, 'must be a mapping with name, type and fields');
    return undefined;
  }
  const before = issues.list.length;
  for (const key of Object.keys(value)) {
    if (!(ENTRY_KEYS as readonly string[]).includes(key)) {
      issues.add(label, [...path, key], `unknown key "${key}" (allowed: ${ENTRY_KEYS.join(', ')})`);
    }
  }
  const name = value['name'];
  if (typeof name !== 'string' || !ENTRY_NAME.test(name)) {
    issues.add(label, [...path, 'name'], 'name is required: 1-100 letters, digits, _ . -');
  } else if (names.has(name)) {
    issues.add(label, [...path, 'name'], `name ${name} is used by an earlier entry`);
  } else names.add(name);

  const type = value['type'];
  if (!isEventType(type)) {
    issues.add(
      label,
      [...path, 'type'],
      `type must be an event type of the catalogue (got ${JSON.stringify(type)})`,
    );
  }
  const fields = new Map<string, CompiledExpression>();
  const rawFields = value['fields'];
  if (!isRecord(rawFields)) {
    issues.add(label, [...path, 'fields'], 'fields must map event fields to JSONata expressions');
  } else if (isEventType(type)) {
    const spec = EVENT_SPECS.get(type);
    for (const [field, expression] of Object.entries(rawFields)) {
      if (ENVELOPE_FIELDS.has(field)) {
        issues.add(
          label,
          [...path, 'fields', field],
          `${field} is set by the adapter${field === 'time' ? ' (use the entry key time)' : ''}`,
        );
      } else if (!spec?.fieldNames.has(field)) {
        issues.add(label, [...path, 'fields', field], `${field} is not a field of ${type}`);
      } else {
        const compiled = compile(expression, label, [...path, 'fields', field], issues);
        if (compiled) fields.set(field, compiled);
      }
    }
    const missing = requiredFields(type).filter((field) => !(field in rawFields));
    if (missing.length > 0)
      issues.add(label, [...path, 'fields'], `fields lacks ${missing.join(', ')} (required by ${type})`);
  }
  const optional = (key: 'when' | 'forEach' | 'time') =>
    value[key] === undefined ? undefined : compile(value[key], label, [...path, key], issues);
  const when = optional('when');
  const forEach = optional('forEach');
  const time = optional('time');
  if (issues.list.length > before || typeof name !== 'string' || !isEventType(type)) return undefined;
  return { name, type, when, forEach, fields, time };
}

/**
 * Validates and compiles a generic webhook mapping (already parsed). Every problem is reported at once,
 * each naming its entry and, for YAML text, its line.
 * @throws MappingInvalidError (MM_ERR_MAPPING_INVALID).
 */
export function compileGenericMapping(value: unknown, file: string, source?: YamlSource): GenericMapping {
  const issues = new Issues(source);
  if (!isRecord(value) || !Array.isArray(value['mappings']) || value['mappings'].length === 0) {
    throw new MappingInvalidError(file, [
      { entry: '(file)', reason: 'must be a mapping with a non-empty mappings list' },
    ]);
  }
  for (const key of Object.keys(value)) {
    if (key !== 'mappings') issues.add('(file)', [key], `unknown key "${key}" (allowed: mappings)`);
  }
  const names = new Set<string>();
  const entries = value['mappings'].map((entry, i) => compileEntry(entry, i, names, issues));
  if (issues.list.length > 0) throw new MappingInvalidError(file, issues.list);
  return Object.freeze({
    file,
    entries: Object.freeze(entries.filter((e): e is CompiledMappingEntry => e !== undefined)),
  });
}

/**
 * Parses (YAML or JSON text), validates and compiles a generic webhook mapping file.
 * @throws MappingInvalidError naming each entry and line.
 */
export function parseGenericMapping(text: string, file: string): GenericMapping {
  const source = parseYamlSource(text, file);
  return compileGenericMapping(source.value, file, source);
}
