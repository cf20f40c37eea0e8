import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';
import { decimalLogicalType } from './codec/decimal.ts';

/**
 * The event catalogue as the code sees it: every Avro record in `schemas/events/`, parsed once. The
 * files are the single source of truth; TypeScript types and validation are derived from or checked
 * against them.
 */

export const EVENT_NAMESPACE = 'io.meshmomentum.events';

/** `schemas/events` relative to this file, both as source (src/) and as build output (dist/). */
export const SCHEMAS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../schemas/events');

export interface CatalogueEntry {
  /** Record name, which is also the event `type`, e.g. `ChampionGained`. */
  readonly type: string;
  /** Fully qualified record name: the registry subject under the record-name strategy. */
  readonly fullName: string;
  /** The schema exactly as written in the file, for registration. */
  readonly schemaText: string;
  /** The avsc type used to write new events and as the reader schema for old ones. */
  readonly avroType: avro.Type;
}

/**
 * avsc options every codec uses, so writer and reader types treat logical types alike. A fresh object
 * per parse: avsc records named types in `options.registry`, and a shared one would make two schemas
 * that both define `ChampionRole` collide.
 */
export function avroTypeOptions(): Partial<avro.ForSchemaOptions> {
  return { logicalTypes: { decimal: decimalLogicalType } };
}

function loadCatalogue(dir: string): ReadonlyMap<string, CatalogueEntry> {
  const entries = new Map<string, CatalogueEntry>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.avsc'))
    .sort()) {
    const schemaText = readFileSync(join(dir, file), 'utf8');
    const schema = JSON.parse(schemaText) as { name: string; namespace?: string };
    const avroType = avro.Type.forSchema(schema as avro.Schema, avroTypeOptions());
    const fullName = `${schema.namespace ?? EVENT_NAMESPACE}.${schema.name}`;
    if (`${schema.name}.avsc` !== file) {
      throw new Error(`schemas/events/${file}: record name ${schema.name} must match the file name`);
    }
    entries.set(schema.name, { type: schema.name, fullName, schemaText, avroType });
  }
  return entries;
}

export const CATALOGUE: ReadonlyMap<string, CatalogueEntry> = loadCatalogue(SCHEMAS_DIR);

export function catalogueEntry(type: string): CatalogueEntry | undefined {
  return CATALOGUE.get(type);
}

/** Looks a writer schema's record up by its fully qualified name (what a registry id resolves to). */
export function catalogueEntryByFullName(fullName: string): CatalogueEntry | undefined {
  for (const entry of CATALOGUE.values()) if (entry.fullName === fullName) return entry;
  return undefined;
}
