import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@mesh-momentum/common';
import { loadProcessorConfig } from './config.ts';

function issuesOf(load: () => unknown): Record<string, string> {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return Object.fromEntries(error.issues.map((i) => [i.field, i.reason]));
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('the processor configuration section', () => {
  it('gives the documented defaults under config.processor, beside the shared ones', () => {
    const config = loadProcessorConfig({});
    expect(config.processor).toEqual({
      groupId: 'mesh-momentum-processor',
      httpHost: '127.0.0.1',
      httpPort: 9464,
      sessionTimeoutMs: 30_000,
      stallTimeoutMs: 60_000,
      tickMs: 60_000,
      dedupWindowDays: 7,
      memoryBudgetBytes: 512 * 1024 * 1024,
      heapLimitMiB: 384,
      semiSpaceMiB: 16,
      fetchPartitionBytes: 4 * 1024 * 1024,
      fetchBytes: 16 * 1024 * 1024,
      mirrorMaxBytes: 256 * 1024 * 1024,
    });
    expect(config.kafka.brokers).toEqual(['127.0.0.1:19092']);
    expect(Object.isFrozen(config.processor)).toBe(true);
  });

  it('refuses a typo under its own prefix, and leaves other services’ variables alone', () => {
    expect(
      issuesOf(() => loadProcessorConfig({ MM_PROCESSOR_TICK: '1000', MM_INGEST_HTTP_PORT: '1' })),
    ).toEqual({
      MM_PROCESSOR_TICK: 'unknown variable (did you mean MM_PROCESSOR_TICK_MS?)',
    });
  });

  it('is not read by a tool that loads only the shared variables (the CLI), which ignores it', () => {
    const config = loadConfig({ MM_PROCESSOR_TICK_MS: 'not even a number' });
    expect('processor' in config).toBe(false);
  });

  it('still refuses a variable outside every known prefix', () => {
    expect(issuesOf(() => loadProcessorConfig({ MM_PROCESOR_TICK_MS: '1000' }))).toEqual({
      MM_PROCESOR_TICK_MS: 'unknown variable (did you mean MM_PROCESSOR_TICK_MS?)',
    });
  });

  it('validates its values with the variable named', () => {
    expect(issuesOf(() => loadProcessorConfig({ MM_PROCESSOR_DEDUP_WINDOW_DAYS: '0' }))).toEqual({
      MM_PROCESSOR_DEDUP_WINDOW_DAYS: 'must be >= 1 (got "0")',
    });
  });
});
