import { PROGRESS_FIELDS } from '@mesh-momentum/store';
import { describe, expect, it } from 'vitest';
import { applyDomainBatchLua } from './scripts.ts';

/**
 * The apply script builds the progress hash's field names itself (Lua cannot import the contract):
 * from `payload.p`, which planDomainBatch sets to PROGRESS_FIELDS.partition(topic, partition). These
 * checks keep its literals in step with the contract that docs/redis-contract.md documents.
 */
describe('apply-domain-batch.lua', () => {
  const lua = applyDomainBatchLua();

  it('names the fence field as the contract does', () => {
    const fencePrefix = PROGRESS_FIELDS.fence('t', 0).slice(0, -PROGRESS_FIELDS.partition('t', 0).length);
    expect(fencePrefix).toBe('fence:');
    expect(lua).toContain(`local fenceField = '${fencePrefix}' .. partition`);
    expect(lua).toContain('local partition = payload.p');
  });

  it('reads and writes the version field the writer reads', () => {
    expect(lua).toContain(`redis.call('HGET', KEYS[1], '${PROGRESS_FIELDS.version}')`);
    expect(lua).toContain(`redis.call('HSET', KEYS[1], '${PROGRESS_FIELDS.version}', version + 1)`);
  });
});
