import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  encodeGoldenCases,
  GOLDEN_FILE,
  goldenEntry,
  murmur2Of,
  type GoldenEntry,
  type KafkajsLoader,
} from './kafkajs-encoding.test-support.ts';

/**
 * The patched kafkajs encoder (patches/kafkajs@2.2.4.patch: each record written once with its headers,
 * varints in place, encoders sized up front, slicing-by-8 CRC-32C, Math.imul murmur2, linear grouping
 * per partition) writes the same bytes as kafkajs 2.2.4 unpatched, whose output is kept in
 * fixtures/kafkajs-produce-golden.json.
 */
const require = createRequire(import.meta.url);
const load: KafkajsLoader = (path) => require(`kafkajs/${path}`) as unknown;

const golden = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as {
  requests: Record<string, GoldenEntry>;
  murmur2: number[];
};

interface EncoderInstance {
  writeVarLong(value: number | bigint): EncoderInstance;
  writeUVarInt(value: number): EncoderInstance;
  readonly buffer: Buffer;
}
const Encoder = load('src/protocol/encoder') as {
  new (): EncoderInstance;
  sizeOfVarLong(value: number | bigint): number;
};
const crc32C = load('src/protocol/recordBatch/crc32C') as (buffer: Buffer) => number;

/** Where two encodings first differ, for a readable failure. */
function firstDifference(actual: Buffer, expected: Buffer): string {
  const length = Math.min(actual.length, expected.length);
  for (let i = 0; i < length; i++) {
    if (actual[i] !== expected[i]) return `first difference at byte ${i} of ${expected.length}`;
  }
  return `lengths ${actual.length} and ${expected.length}`;
}

describe('kafkajs produce encoding, patched', () => {
  it('writes the same produce requests as kafkajs 2.2.4 unpatched', async () => {
    const cases = await encodeGoldenCases(load);
    expect(Object.keys(cases).sort()).toEqual(Object.keys(golden.requests).sort());
    for (const [name, bytes] of Object.entries(cases)) {
      const expected = golden.requests[name] as GoldenEntry;
      const actual = goldenEntry(bytes);
      if (expected.base64 !== undefined && actual.sha256 !== expected.sha256) {
        expect.fail(`${name}: ${firstDifference(bytes, Buffer.from(expected.base64, 'base64'))}`);
      }
      expect({ name, length: actual.length, sha256: actual.sha256 }).toEqual({
        name,
        length: expected.length,
        sha256: expected.sha256,
      });
    }
  });

  it("hashes keys to the same murmur2 values as unpatched kafkajs and the Java client's Utils.murmur2", () => {
    expect(murmur2Of(load)).toEqual(golden.murmur2);
    const murmur2 = load('src/producer/partitioners/default/murmur2') as (key: string) => number;
    // The cases of the Java client's UtilsTest.testMurmur2.
    const java: Record<string, number> = {
      '21': -973932308,
      foobar: -790332482,
      'a-little-bit-long-string': -985981536,
      'a-little-bit-longer-string': -1486304829,
      lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8: -58897971,
      abc: 479470107,
    };
    for (const [key, hash] of Object.entries(java)) expect(murmur2(key), key).toBe(hash);
  });

  it('writes varlongs of numbers as the 64-bit path does, at and beyond the 32-bit boundaries', () => {
    const values = [0];
    for (let bits = 0; bits <= 52; bits++) {
      for (const magnitude of [2 ** bits - 1, 2 ** bits, 2 ** bits + 1]) values.push(magnitude, -magnitude);
    }
    for (const value of values) {
      // A bigint takes kafkajs' original Long path; a number in int32 range the patched one.
      const viaLong = new Encoder().writeVarLong(BigInt(value)).buffer;
      expect(new Encoder().writeVarLong(value).buffer, String(value)).toEqual(viaLong);
      expect(Encoder.sizeOfVarLong(value), String(value)).toBe(viaLong.length);
    }
  });

  it('writes unsigned varints in place (LEB128)', () => {
    const encoded = new Encoder()
      .writeUVarInt(0)
      .writeUVarInt(127)
      .writeUVarInt(300)
      .writeUVarInt(2 ** 32 - 1);
    expect([...encoded.buffer]).toEqual([0x00, 0x7f, 0xac, 0x02, 0xff, 0xff, 0xff, 0xff, 0x0f]);
  });

  it('computes CRC-32C as the byte-at-a-time definition does, at every length and alignment', () => {
    // Reflected CRC-32C (Castagnoli, polynomial 0x82f63b78), one bit at a time.
    const reference = (buffer: Buffer): number => {
      let crc = ~0;
      for (const byte of buffer) {
        crc ^= byte;
        for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
      }
      return ~crc >>> 0;
    };
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283);
    const data = Buffer.from(Array.from({ length: 4_100 }, (_, i) => (i * 131 + (i >> 3)) & 0xff));
    for (let length = 0; length <= 70; length++) {
      for (let offset = 0; offset < 8; offset++) {
        const slice = data.subarray(offset, offset + length);
        expect(crc32C(slice), `${length} bytes at ${offset}`).toBe(reference(slice));
      }
    }
    expect(crc32C(data)).toBe(reference(data));
  });
});
