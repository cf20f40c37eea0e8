import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '@mesh-momentum/common';
import { CATALOGUE } from '../catalogue.ts';
import type { RegistryClient } from '../registry.ts';
import { EXAMPLE_EVENTS } from '../validation/examples.ts';
import { EventCodec } from './event-codec.ts';
import { schemaIdOf } from './wire-format.ts';

/**
 * The schema lookups the codec makes, answered from memory: one id per catalogue type. What the real
 * registry answers is covered by the integration tests (registry-client, schema-evolution).
 */
function memoryRegistry(): RegistryClient {
  const texts = new Map<number, string>();
  const ids = new Map<string, number>();
  return {
    register: async (subject: string, schemaText: string) => {
      let id = ids.get(subject);
      if (id === undefined) {
        id = 100 + ids.size;
        ids.set(subject, id);
        texts.set(id, schemaText);
      }
      return id;
    },
    schemaText: async (id: number) => texts.get(id) ?? '',
  } as unknown as RegistryClient;
}

async function encodedExamples(codec: EventCodec): Promise<{ type: string; value: Buffer }[]> {
  const out: { type: string; value: Buffer }[] = [];
  for (const type of CATALOGUE.keys()) {
    const record = EXAMPLE_EVENTS[type as keyof typeof EXAMPLE_EVENTS];
    out.push({ type, value: await codec.encode(type, { ...record }) });
  }
  await codec.prepareReaders(out.map(({ value }) => schemaIdOf(value)));
  return out;
}

describe('EventCodec.decodeKnown', () => {
  it('reads every event type back as it was encoded, from behind the wire header', async () => {
    const codec = new EventCodec(memoryRegistry());
    for (const { type, value } of await encodedExamples(codec)) {
      const decoded = codec.decodeKnown(value);
      expect(decoded.type).toBe(type);
      expect(decoded.schemaId).toBe(value.readUInt32BE(1));
      expect({ ...decoded.record }).toEqual(EXAMPLE_EVENTS[type as keyof typeof EXAMPLE_EVENTS]);
    }
  });

  it('refuses a value with bytes after the record, or cut short, naming the reason', async () => {
    const codec = new EventCodec(memoryRegistry());
    const [{ value }] = (await encodedExamples(codec)) as [{ type: string; value: Buffer }];
    const refusal = (bytes: Buffer) => {
      try {
        codec.decodeKnown(bytes);
      } catch (error) {
        return error as { code?: string; message: string };
      }
      throw new Error('decoded');
    };
    const trailing = refusal(Buffer.concat([value, Buffer.from([0])]));
    expect(trailing.code).toBe(ErrorCodes.EVENT_UNDECODABLE);
    expect(trailing.message).toMatch(/trailing data/);
    const truncated = refusal(value.subarray(0, value.length - 1));
    expect(truncated.code).toBe(ErrorCodes.EVENT_UNDECODABLE);
    expect(truncated.message).toMatch(/truncated buffer/);
  });
});

describe('schemaIdOf', () => {
  it('reads the big-endian id after the magic byte, and refuses what is not the wire format', () => {
    expect(schemaIdOf(Buffer.from([0, 0xee, 0x6b, 0x28, 0x01, 42]))).toBe(4_000_000_001);
    expect(() => schemaIdOf(Buffer.from([0, 0, 0]))).toThrow(/shorter than the 5-byte wire header/);
    expect(() => schemaIdOf(Buffer.from([1, 0, 0, 0, 7, 42]))).toThrow(/unknown magic byte 1/);
    expect(() => schemaIdOf(null)).toThrow(/no value/);
  });
});
