import avro from 'avsc';
import {
  UndecodableEventError,
  UnknownSchemaError,
  EventValidationError,
  type FieldIssue,
} from '@mesh-momentum/common';
import {
  avroTypeOptions,
  catalogueEntry,
  catalogueEntryByFullName,
  type CatalogueEntry,
} from '../catalogue.ts';
import type { RegistryClient } from '../registry.ts';
import type { DomainEvent } from '../generated/event-types.ts';
import { encodeFramed, schemaIdOf, WIRE_HEADER_LENGTH } from './wire-format.ts';

/** A decoded event: the record read with the current (reader) schema of its type. */
export interface DecodedRecord {
  readonly schemaId: number;
  readonly type: string;
  readonly record: Record<string, unknown>;
}

interface Reader {
  readonly entry: CatalogueEntry;
  readonly resolver: avro.Resolver;
}

/**
 * Avro codec over the registry. Schemas are looked up once per id and per type; after that, encoding
 * and decoding are synchronous and local (`decodeKnown`), so a consumer pays one registry round trip
 * per schema version, not per record. Old records are read through a writer-to-reader resolver, so
 * every record comes out in the shape of the current schema.
 */
export class EventCodec {
  readonly #registry: RegistryClient;
  readonly #writerIds = new Map<string, Promise<number>>();
  readonly #readers = new Map<number, Promise<Reader>>();
  readonly #readyReaders = new Map<number, Reader>();

  constructor(registry: RegistryClient) {
    this.#registry = registry;
  }

  /** Schema id of the current schema of `type`, registering it on first use. */
  schemaIdFor(type: string): Promise<number> {
    const entry = requireEntry(type);
    let id = this.#writerIds.get(type);
    if (!id) {
      id = this.#registry.register(entry.fullName, entry.schemaText);
      // A failed registration is not cached: the next call asks again.
      id.catch(() => this.#writerIds.delete(type));
      this.#writerIds.set(type, id);
    }
    return id;
  }

  /** Encodes with a known schema id; synchronous, for hot paths that resolved the id up front. */
  encodeWithId(schemaId: number, type: string, record: Record<string, unknown>): Buffer {
    const entry = requireEntry(type);
    const issues: FieldIssue[] = [];
    const valid = entry.avroType.isValid(record, {
      errorHook: (path, value) =>
        issues.push({
          field: path.join('.') || '(record)',
          reason: `does not match the schema (got ${describe(value)})`,
        }),
    });
    if (!valid) throw new EventValidationError(type, issues);
    return encodeFramed(schemaId, entry.avroType, record);
  }

  /**
   * Encodes an event as `validateEvent` returned it, with a known schema id: synchronous, and without
   * `encodeWithId`'s validity check, which `validateEvent` made last on this very object against the
   * same Avro type. The hot path of producers that validate every event anyway.
   */
  encodeValidated(schemaId: number, event: DomainEvent): Buffer {
    return encodeFramed(schemaId, requireEntry(event.type).avroType, event);
  }

  async encode(type: string, record: Record<string, unknown>): Promise<Buffer> {
    return this.encodeWithId(await this.schemaIdFor(type), type, record);
  }

  /** Fetches and prepares the readers for these schema ids (once each); rejects on the first unknown id. */
  async prepareReaders(schemaIds: Iterable<number>): Promise<void> {
    await Promise.all([...new Set(schemaIds)].map((id) => this.#reader(id)));
  }

  /** True when `schemaId` can be decoded synchronously. */
  knows(schemaId: number): boolean {
    return this.#readyReaders.has(schemaId);
  }

  /**
   * Decodes a record whose schema id was prepared before. Throws UndecodableEventError for bytes that
   * are not a valid record of that schema, UnknownSchemaError for an id nobody prepared.
   */
  decodeKnown(value: Buffer | null | undefined): DecodedRecord {
    const schemaId = schemaIdOf(value);
    const reader = this.#readyReaders.get(schemaId);
    if (!reader) throw new UnknownSchemaError(`schema id ${schemaId} was not prepared`, schemaId);
    return decodeFramed(schemaId, value as Buffer, reader);
  }

  async decode(value: Buffer | null | undefined): Promise<DecodedRecord> {
    const schemaId = schemaIdOf(value);
    return decodeFramed(schemaId, value as Buffer, await this.#reader(schemaId));
  }

  #reader(schemaId: number): Promise<Reader> {
    let reader = this.#readers.get(schemaId);
    if (!reader) {
      reader = this.#loadReader(schemaId).then((r) => {
        this.#readyReaders.set(schemaId, r);
        return r;
      });
      reader.catch(() => this.#readers.delete(schemaId));
      this.#readers.set(schemaId, reader);
    }
    return reader;
  }

  async #loadReader(schemaId: number): Promise<Reader> {
    const text = await this.#registry.schemaText(schemaId);
    let writer: avro.Type;
    try {
      writer = avro.Type.forSchema(JSON.parse(text) as avro.Schema, avroTypeOptions());
    } catch (error) {
      throw new UnknownSchemaError(`schema id ${schemaId} is not a usable Avro schema`, schemaId, {
        cause: error,
      });
    }
    const entry = writer.name ? catalogueEntryByFullName(writer.name) : undefined;
    if (!entry) {
      throw new UnknownSchemaError(
        `schema id ${schemaId} is record ${writer.name ?? '(unnamed)'}, which is not an event type of the catalogue`,
        schemaId,
      );
    }
    try {
      return { entry, resolver: entry.avroType.createResolver(writer) };
    } catch (error) {
      throw new UnknownSchemaError(
        `schema id ${schemaId} (${entry.type}) cannot be read with the current schema: ${(error as Error).message}`,
        schemaId,
        { cause: error },
      );
    }
  }
}

/**
 * Reads the Avro body behind the wire header in place (no copy of the body): the whole rest of the
 * value must be exactly one record.
 */
function decodeFramed(schemaId: number, framed: Buffer, reader: Reader): DecodedRecord {
  const undecodable = (reason: string, cause?: unknown) =>
    new UndecodableEventError(
      `body does not decode as ${reader.entry.type} (schema id ${schemaId}): ${reason}`,
      cause === undefined ? {} : { cause },
    );
  let decoded: { value: unknown; offset: number };
  try {
    decoded = reader.entry.avroType.decode(framed, WIRE_HEADER_LENGTH, reader.resolver);
  } catch (error) {
    throw undecodable((error as Error).message, error);
  }
  // avsc answers -1 when the record runs past the end of the buffer.
  if (decoded.offset < 0) throw undecodable('truncated buffer');
  if (decoded.offset < framed.length) throw undecodable('trailing data');
  return { schemaId, type: reader.entry.type, record: decoded.value as Record<string, unknown> };
}

function requireEntry(type: string): CatalogueEntry {
  const entry = catalogueEntry(type);
  if (!entry)
    throw new EventValidationError(type, [
      { field: 'type', reason: `unknown event type ${JSON.stringify(type)}` },
    ]);
  return entry;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return text === undefined ? typeof value : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
