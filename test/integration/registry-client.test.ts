import { describe, expect, inject, it } from 'vitest';
import { RegistryClient } from '@mesh-momentum/events';

/** How schema look-ups fail decides between dead-lettering a record and pausing the processor. */
describe('RegistryClient.schemaText', () => {
  it('reports an id the registry does not know as final (the record is dead-lettered)', async () => {
    const client = new RegistryClient({ url: inject('services').registryUrl });
    await expect(client.schemaText(987_654_321)).rejects.toMatchObject({
      code: 'MM_ERR_SCHEMA_UNKNOWN',
      retriable: false,
    });
  });

  it('reports a wrong registry URL as retriable, so good records are not dead-lettered', async () => {
    const client = new RegistryClient({ url: `${inject('services').registryUrl}/not-the-api` });
    await expect(client.schemaText(1)).rejects.toMatchObject({
      code: 'MM_ERR_REGISTRY_UNAVAILABLE',
      retriable: true,
    });
  });
});
