import { EVENT_SPECS, type FieldKind } from '@mesh-momentum/events';

/**
 * Turns `--name value` pairs of `mesh-momentum emit <type>` into an event input, using the type's
 * field kinds from the catalogue: numbers for int/long/double, true/false for booleans, comma-separated
 * or repeated flags for arrays, `null` for nullable fields. Values that do not convert stay strings, so
 * validation names the field and says what it expected. Pure: no I/O.
 */

/** Envelope fields a caller may set on any type; the rest come from the type's schema. */
const ENVELOPE_FIELDS = new Set(['id', 'source', 'time', 'subject']);
/** Set by the command, never by a flag. */
const RESERVED_FIELDS = new Set(['type']);

export interface ParsedFields {
  readonly fields: Record<string, unknown>;
  /** Usage problems: unknown flags, a flag without a value. Empty when the line is usable. */
  readonly problems: readonly string[];
}

export function knownFieldsOf(type: string): string[] | undefined {
  const spec = EVENT_SPECS.get(type);
  return spec ? spec.fields.map((f) => f.name).filter((n) => !RESERVED_FIELDS.has(n)) : undefined;
}

function convert(kind: FieldKind, raw: string): unknown {
  switch (kind.kind) {
    case 'int':
    case 'long':
    case 'double': {
      const n = Number(raw);
      return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
    }
    case 'timestamp':
      // Epoch milliseconds or RFC 3339 text; validation accepts both.
      return /^-?\d+$/.test(raw) ? Number(raw) : raw;
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'nullable':
      return raw === 'null' ? null : convert(kind.inner, raw);
    case 'array':
      return raw === '' ? [] : raw.split(',').map((item) => convert(kind.items, item.trim()));
    default:
      return raw;
  }
}

export function parseFieldArgs(type: string, tokens: readonly string[]): ParsedFields {
  const spec = EVENT_SPECS.get(type);
  const problems: string[] = [];
  const fields: Record<string, unknown> = {};
  if (!spec) return { fields, problems };
  const kinds = new Map(spec.fields.map((f) => [f.name, f.type]));

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (!token.startsWith('--') || token.length === 2) {
      problems.push(`unexpected argument ${JSON.stringify(token)} (fields are given as --name value)`);
      continue;
    }
    let name = token.slice(2);
    let raw: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      raw = name.slice(eq + 1);
      name = name.slice(0, eq);
    } else {
      const next = tokens[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        problems.push(`--${name} needs a value`);
        continue;
      }
      raw = next;
      i++;
    }
    const kind = kinds.get(name);
    if (RESERVED_FIELDS.has(name) || (!kind && !ENVELOPE_FIELDS.has(name))) {
      problems.push(`--${name} is not a field of ${type} (fields: ${knownFieldsOf(type)?.join(', ')})`);
      continue;
    }
    const value = kind ? convert(kind, raw) : raw;
    const previous = fields[name];
    // A repeated array flag appends: --productIds a --productIds b.
    fields[name] =
      kind?.kind === 'array' && Array.isArray(previous) && Array.isArray(value)
        ? [...previous, ...value]
        : value;
  }
  return { fields, problems };
}
