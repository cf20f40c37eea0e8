import type avro from 'avsc';
import { UndecodableEventError } from '@mesh-momentum/common';

/**
 * Confluent wire format: byte 0 is the magic byte 0, bytes 1-4 the schema id (big-endian, unsigned),
 * the rest the Avro binary body. Any Confluent-compatible consumer can read what we write.
 */
export const MAGIC_BYTE = 0;
export const WIRE_HEADER_LENGTH = 5;

export function frame(schemaId: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(WIRE_HEADER_LENGTH + body.length);
  out.writeUInt8(MAGIC_BYTE, 0);
  out.writeUInt32BE(schemaId, 1);
  body.copy(out, WIRE_HEADER_LENGTH);
  return out;
}

/**
 * Where `encodeFramed` writes before copying out, bytes; grown to the largest record seen and kept,
 * so encoding allocates only the result.
 */
let scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * `frame(schemaId, type.toBuffer(record))` without the intermediate body: the record is written once,
 * behind the header, into a kept scratch buffer, and copied once into a buffer of its exact size.
 * `record` must be valid for `type` (avsc writes what it is given without checking it).
 */
export function encodeFramed(schemaId: number, type: avro.Type, record: unknown): Buffer {
  let end = type.encode(record, scratch, WIRE_HEADER_LENGTH);
  if (end < 0) {
    // avsc answers a full buffer with minus the bytes that were missing.
    scratch = Buffer.allocUnsafe(2 * (scratch.length - end));
    end = type.encode(record, scratch, WIRE_HEADER_LENGTH);
  }
  scratch.writeUInt8(MAGIC_BYTE, 0);
  scratch.writeUInt32BE(schemaId, 1);
  const out = Buffer.allocUnsafe(end);
  scratch.copy(out, 0, 0, end);
  return out;
}

export interface Framed {
  readonly schemaId: number;
  readonly body: Buffer;
}

/**
 * The schema id of a framed record, read in place (no copy, nothing allocated).
 * @throws UndecodableEventError when the value is missing, too short or not in the wire format.
 */
export function schemaIdOf(value: Buffer | null | undefined): number {
  if (!value || value.length === 0) throw new UndecodableEventError('record has no value (null or empty)');
  if (value.length < WIRE_HEADER_LENGTH) {
    throw new UndecodableEventError(
      `record value is ${value.length} bytes, shorter than the 5-byte wire header`,
    );
  }
  const magic = value.readUInt8(0);
  if (magic !== MAGIC_BYTE) {
    throw new UndecodableEventError(`unknown magic byte ${magic} (expected 0: Confluent wire format)`);
  }
  return value.readUInt32BE(1);
}

export function unframe(value: Buffer | null | undefined): Framed {
  const schemaId = schemaIdOf(value);
  return { schemaId, body: (value as Buffer).subarray(WIRE_HEADER_LENGTH) };
}
