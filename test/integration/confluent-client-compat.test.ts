import { describe, expect, inject, it } from 'vitest';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { uniqueSuffix } from '@mesh-momentum/testing';

/**
 * The registry the project starts (Apicurio's Confluent-compatible API, or Confluent's own under
 * Docker) works with the stock Confluent client other teams use: register, encode, decode.
 */
describe('@kafkajs/confluent-schema-registry against the project registry', () => {
  it('registers a schema, encodes to the wire format and decodes it back', async () => {
    const registry = new SchemaRegistry({ host: inject('services').registryUrl });
    const name = `Compat${uniqueSuffix().replace(/-/g, '')}`;
    const schema = {
      type: 'record',
      name,
      namespace: 'io.meshmomentum.test',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'count', type: 'int' },
      ],
    };
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
      { subject: `io.meshmomentum.test.${name}`, compatibility: COMPATIBILITY.BACKWARD },
    );
    expect(id).toBeGreaterThan(0);
    const encoded = await registry.encode(id, { id: 'a', count: 3 });
    expect(encoded.readUInt8(0)).toBe(0);
    expect(encoded.readUInt32BE(1)).toBe(id);
    // A fresh client knows nothing cached: decoding fetches the schema by id from the registry.
    const decoded = (await new SchemaRegistry({ host: inject('services').registryUrl }).decode(
      encoded,
    )) as object;
    expect({ ...decoded }).toEqual({ id: 'a', count: 3 });
  });
});
