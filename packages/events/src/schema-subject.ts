import { SchemaIncompatibleError } from '@mesh-momentum/common';
import { catalogueEntry, EVENT_NAMESPACE } from './catalogue.ts';

/**
 * Subjects under the record-name strategy: a schema is registered under its record's fully qualified
 * name, so several event types share one topic.
 */

/** Subject of a schema: its fully qualified record name. */
export function subjectOf(schemaText: string): string {
  const schema = parseSchemaJson(schemaText);
  const name = typeof schema['name'] === 'string' ? schema['name'] : undefined;
  if (!name) throw new SchemaIncompatibleError('(unnamed)', ['the schema is not a named Avro record']);
  if (name.includes('.')) return name;
  return `${typeof schema['namespace'] === 'string' ? schema['namespace'] : EVENT_NAMESPACE}.${name}`;
}

/** Subject of an event type: its catalogue record name, or the default namespace for a new type. */
export function subjectForType(type: string): string {
  return catalogueEntry(type)?.fullName ?? `${EVENT_NAMESPACE}.${type}`;
}

function parseSchemaJson(schemaText: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(schemaText);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through to the common error
  }
  throw new SchemaIncompatibleError('(unparsable)', ['the schema is not a JSON object']);
}
