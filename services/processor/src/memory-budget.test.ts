import { describe, expect, it } from 'vitest';
import { ConfigError } from '@mesh-momentum/common';
import { loadProcessorConfig } from './config.ts';
import { memoryBudgetFromEnv, memorySharesOf } from './memory-budget.ts';

const MIB = 1024 * 1024;

describe('the memory budget', () => {
  it('shares the default 512 MiB out as 3/4 old space, 1/32 semi-spaces, half mirrors, 1/32 and 1/128 fetches', () => {
    expect(memorySharesOf(512)).toEqual({
      heapMiB: 384,
      semiSpaceMiB: 16,
      mirrorMiB: 256,
      fetchMiB: 16,
      fetchPartitionMiB: 4,
    });
  });

  it('keeps the fetch sizes within what the fetch variables accept', () => {
    expect(memorySharesOf(128)).toMatchObject({ fetchMiB: 4, fetchPartitionMiB: 1 });
    expect(memorySharesOf(65_536)).toMatchObject({ fetchMiB: 50, fetchPartitionMiB: 64 });
  });

  it('derives the fetch sizes, mirror budget and heap limit from MM_PROCESSOR_MEMORY_MB', () => {
    const { processor } = loadProcessorConfig({ MM_PROCESSOR_MEMORY_MB: '1024' });
    expect(processor).toMatchObject({
      memoryBudgetBytes: 1024 * MIB,
      heapLimitMiB: 768,
      mirrorMaxBytes: 512 * MIB,
      fetchBytes: 32 * MIB,
      fetchPartitionBytes: 8 * MIB,
    });
  });

  it('lets each share be set on its own', () => {
    const { processor } = loadProcessorConfig({
      MM_PROCESSOR_MEMORY_MB: '1024',
      MM_PROCESSOR_FETCH_PARTITION_MB: '2',
      MM_PROCESSOR_FETCH_MB: '6',
      MM_PROCESSOR_MIRROR_MB: '0.5',
    });
    expect(processor).toMatchObject({
      heapLimitMiB: 768,
      fetchPartitionBytes: 2 * MIB,
      fetchBytes: 6 * MIB,
      mirrorMaxBytes: 0.5 * MIB,
    });
  });

  it('refuses a budget too small to share out, naming the variable', () => {
    expect(() => loadProcessorConfig({ MM_PROCESSOR_MEMORY_MB: '64' })).toThrow(/MM_PROCESSOR_MEMORY_MB/);
  });

  it("reads the budget in the launcher as the configuration does, or leaves it to the service's own report", () => {
    for (const value of [
      undefined,
      '',
      '512',
      '+1024',
      ' 700 ',
      '128',
      '127',
      '65536',
      '65537',
      '1e3',
      '512.5',
      '-5',
      'abc',
    ]) {
      let configured: number | undefined;
      try {
        configured =
          loadProcessorConfig(value === undefined ? {} : { MM_PROCESSOR_MEMORY_MB: value }).processor
            .memoryBudgetBytes / MIB;
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        configured = undefined;
      }
      expect(memoryBudgetFromEnv(value), String(value)).toBe(configured);
    }
  });
});
