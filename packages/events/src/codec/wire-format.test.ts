import { describe, expect, it } from 'vitest';
import avro from 'avsc';
import { CATALOGUE } from '../catalogue.ts';
import { EXAMPLE_EVENTS } from '../validation/examples.ts';
import { encodeFramed, frame, unframe } from './wire-format.ts';

describe('encodeFramed', () => {
  it('writes the same bytes as frame(id, type.toBuffer(record)) for every event type', () => {
    for (const [type, entry] of CATALOGUE) {
      const record = EXAMPLE_EVENTS[type as keyof typeof EXAMPLE_EVENTS];
      const expected = frame(4_000_000_001, entry.avroType.toBuffer(record));
      expect(encodeFramed(4_000_000_001, entry.avroType, record)).toEqual(expected);
    }
  });

  it('grows its scratch space for a record larger than it, and still writes small ones after', () => {
    const type = avro.Type.forSchema({
      type: 'record',
      name: 'Text',
      fields: [{ name: 'text', type: 'string' }],
    });
    const large = { text: 'x'.repeat(200_000) };
    const small = { text: 'short' };
    const encodedLarge = encodeFramed(7, type, large);
    expect(encodedLarge).toEqual(frame(7, type.toBuffer(large)));
    expect(type.fromBuffer(unframe(encodedLarge).body)).toEqual(large);
    expect(encodeFramed(8, type, small)).toEqual(frame(8, type.toBuffer(small)));
  });

  it('returns buffers that later encodings do not overwrite', () => {
    const type = avro.Type.forSchema({ type: 'record', name: 'N', fields: [{ name: 'n', type: 'int' }] });
    const first = encodeFramed(1, type, { n: 1 });
    const copy = Buffer.from(first);
    encodeFramed(2, type, { n: 2 });
    expect(first).toEqual(copy);
  });
});
