import { CATALOGUE, type CatalogueEntry } from '../catalogue.ts';

/**
 * The shape of every event type as validation sees it, derived once from the Avro schema text of the
 * catalogue: which fields exist, in which order, of which kind, and which may be left out because the
 * schema gives them a default. Validation walks these specs, so a field added to a schema is checked
 * without touching this package.
 */

export type FieldKind =
  | { readonly kind: 'string' }
  | { readonly kind: 'int' }
  | { readonly kind: 'long' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'double' }
  /** Avro `long` with logicalType `timestamp-millis`: ms since the epoch, or RFC 3339 on input. */
  | { readonly kind: 'timestamp' }
  /** Avro `bytes` with logicalType `decimal`: a decimal string on the TypeScript side. */
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'enum'; readonly name: string; readonly symbols: readonly string[] }
  | { readonly kind: 'array'; readonly items: FieldKind }
  /** A union of null and one other type. */
  | { readonly kind: 'nullable'; readonly inner: FieldKind };

export interface FieldSpec {
  readonly name: string;
  readonly type: FieldKind;
  /** True when the schema declares a default, so the field may be absent on input. */
  readonly hasDefault: boolean;
  readonly defaultValue: unknown;
}

export interface EventSpec {
  readonly type: string;
  readonly entry: CatalogueEntry;
  readonly fields: readonly FieldSpec[];
  readonly fieldNames: ReadonlySet<string>;
}

type RawSchema = string | readonly RawSchema[] | { readonly [key: string]: unknown };

function unsupported(type: string, field: string, schema: unknown): never {
  throw new Error(`${type}.${field}: Avro type ${JSON.stringify(schema)} is not supported by validation`);
}

function kindOf(
  type: string,
  field: string,
  schema: RawSchema,
  named: Map<string, FieldKind>,
  ns: string,
): FieldKind {
  if (typeof schema === 'string') {
    switch (schema) {
      case 'string':
        return { kind: 'string' };
      case 'int':
        return { kind: 'int' };
      case 'long':
        return { kind: 'long' };
      case 'boolean':
        return { kind: 'boolean' };
      case 'float':
      case 'double':
        return { kind: 'double' };
      default:
        return (
          named.get(schema.includes('.') ? schema : `${ns}.${schema}`) ?? unsupported(type, field, schema)
        );
    }
  }
  if (Array.isArray(schema)) {
    const branches = schema as readonly RawSchema[];
    const others = branches.filter((b) => b !== 'null');
    const first = others[0];
    if (branches.length === 2 && others.length === 1 && first !== undefined) {
      return { kind: 'nullable', inner: kindOf(type, field, first, named, ns) };
    }
    return unsupported(type, field, schema);
  }
  const complex = schema as { readonly [key: string]: unknown };
  if (complex['type'] === 'long' && complex['logicalType'] === 'timestamp-millis')
    return { kind: 'timestamp' };
  if (complex['type'] === 'bytes' && complex['logicalType'] === 'decimal') {
    return { kind: 'decimal', precision: Number(complex['precision']), scale: Number(complex['scale'] ?? 0) };
  }
  if (complex['type'] === 'enum') {
    const name = String(complex['name']);
    const fullName = name.includes('.')
      ? name
      : `${typeof complex['namespace'] === 'string' ? complex['namespace'] : ns}.${name}`;
    const kind: FieldKind = { kind: 'enum', name, symbols: complex['symbols'] as string[] };
    named.set(fullName, kind);
    return kind;
  }
  if (complex['type'] === 'array')
    return { kind: 'array', items: kindOf(type, field, complex['items'] as RawSchema, named, ns) };
  if (typeof complex['type'] === 'string' && complex['logicalType'] === undefined) {
    return kindOf(type, field, complex['type'], named, ns);
  }
  return unsupported(type, field, schema);
}

function specOf(entry: CatalogueEntry): EventSpec {
  const schema = JSON.parse(entry.schemaText) as {
    namespace?: string;
    fields: { name: string; type: RawSchema; default?: unknown }[];
  };
  const named = new Map<string, FieldKind>();
  const fields = schema.fields.map((f) => ({
    name: f.name,
    type: kindOf(entry.type, f.name, f.type, named, schema.namespace ?? ''),
    hasDefault: 'default' in f,
    defaultValue: f.default,
  }));
  return { type: entry.type, entry, fields, fieldNames: new Set(fields.map((f) => f.name)) };
}

/** One spec per catalogue type. Throws at load time on an Avro construct validation cannot check. */
export const EVENT_SPECS: ReadonlyMap<string, EventSpec> = new Map(
  [...CATALOGUE.values()].map((entry) => [entry.type, specOf(entry)]),
);
