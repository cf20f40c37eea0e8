import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/**
 * The patched kafkajs record decoder (patches/kafkajs@2.2.4.patch) fills one headers object in place
 * instead of copying it once per header. What a consumer sees must not change: a header seen once is
 * its value, a repeated header the array of its values in record order; and every header, whatever its
 * name, is an own property (`__proto__` or `toString` as names must neither touch the prototype nor
 * mix with what the prototype holds).
 */
const require = createRequire(import.meta.url);
type EncoderInstance = { readonly buffer: Buffer };
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (record: {
  key: Buffer | null;
  value: Buffer;
  headers: Record<string, Buffer | Buffer[]>;
}) => EncoderInstance;
const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => unknown;
const decodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/decoder') as (
  decoder: unknown,
  context: Record<string, unknown>,
) => { headers: Record<string, Buffer | Buffer[]>; value: Buffer };

const CONTEXT = { firstOffset: '0', firstTimestamp: '1700000000000', magicByte: 2 };

/** Encodes one record as kafkajs writes it and decodes it as a consumer's fetch does. */
function roundTrip(headers: Record<string, Buffer | Buffer[]>): Record<string, Buffer | Buffer[]> {
  const encoded = encodeRecord({ key: null, value: Buffer.from('v'), headers }).buffer;
  // The encoded record starts with its length (a varint), which the batch decoder reads before it.
  const outer = new Decoder(encoded) as { readVarIntBytes(): Buffer };
  return decodeRecord(new Decoder(outer.readVarIntBytes()), CONTEXT).headers;
}

const text = (value: Buffer | Buffer[] | undefined) =>
  Array.isArray(value) ? value.map((v) => v.toString()) : value?.toString();

describe('kafkajs record headers, decoded by the patched decoder', () => {
  it('gives each header its value, and a repeated header its values in record order', () => {
    const headers = roundTrip({
      ce_id: Buffer.from('e-1'),
      ce_type: Buffer.from('ConsumerOnboarded'),
      trace: [Buffer.from('a'), Buffer.from('b'), Buffer.from('c')],
    });
    expect(Object.keys(headers)).toEqual(['ce_id', 'ce_type', 'trace']);
    expect(text(headers['ce_id'])).toBe('e-1');
    expect(text(headers['ce_type'])).toBe('ConsumerOnboarded');
    expect(text(headers['trace'])).toEqual(['a', 'b', 'c']);
  });

  it('keeps headers named like prototype members as plain own headers', () => {
    const headers = roundTrip({
      ['__proto__']: Buffer.from('p'),
      toString: Buffer.from('t'),
      constructor: [Buffer.from('c1'), Buffer.from('c2')],
    });
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
    expect(Object.keys(headers).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    expect(text(Object.getOwnPropertyDescriptor(headers, '__proto__')?.value as Buffer)).toBe('p');
    expect(text(headers['toString'])).toBe('t');
    expect(text(headers['constructor'])).toEqual(['c1', 'c2']);
  });

  it('gives a record without headers an empty object', () => {
    expect(roundTrip({})).toEqual({});
  });
});
