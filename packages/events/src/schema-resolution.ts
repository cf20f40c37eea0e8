import avro from 'avsc';
import { SchemaIncompatibleError } from '@mesh-momentum/common';
import { avroTypeOptions } from './catalogue.ts';

/**
 * An avsc type for any schema text (e.g. a writer schema fetched by id), with the codec's logical
 * types, so tools and tests can encode and resolve without depending on avsc themselves.
 */
export function parseAvroSchema(schemaText: string): avro.Type {
  return avro.Type.forSchema(JSON.parse(schemaText) as avro.Schema, avroTypeOptions());
}

/**
 * Parses a schema the way the registry compares them: plain Avro, logical types as their base type.
 * @throws SchemaIncompatibleError naming `subject` when the text is not a valid Avro schema.
 */
export function parseAvro(subject: string, schemaText: string): avro.Type {
  try {
    return avro.Type.forSchema(JSON.parse(schemaText) as avro.Schema);
  } catch (error) {
    throw new SchemaIncompatibleError(subject, [`not a valid Avro schema: ${(error as Error).message}`], {
      cause: error,
    });
  }
}

/**
 * Why `schemaText` is not FULL_TRANSITIVE-compatible with the given versions, computed locally with
 * avsc's schema resolution: the new schema must read data of every version (backward) and every
 * version must read data of the new schema (forward). Empty when all resolve.
 */
export function explainIncompatibility(
  subject: string,
  schemaText: string,
  versions: readonly { version: number; schemaText: string }[],
): string[] {
  const candidate = parseAvro(subject, schemaText);
  const messages: string[] = [];
  for (const { version, schemaText: text } of versions) {
    const existing = parseAvro(subject, text);
    try {
      candidate.createResolver(existing);
    } catch (error) {
      messages.push(
        `the new schema cannot read data written with version ${version}: ${(error as Error).message}`,
      );
    }
    try {
      existing.createResolver(candidate);
    } catch (error) {
      messages.push(
        `readers on version ${version} cannot read data written with the new schema: ${(error as Error).message}`,
      );
    }
  }
  return messages;
}
