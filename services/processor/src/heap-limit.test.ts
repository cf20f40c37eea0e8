import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasHeapLimit, heapFlags, NATIVE_MEMORY_ENV, nativeMemoryEnv } from './heap-limit.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

describe('the heap limit of the entry point', () => {
  it('gives V8 the old-space and semi-space sizes of the budget', () => {
    expect(heapFlags({ heapLimitMiB: 256, semiSpaceMiB: 16 })).toEqual([
      '--max-old-space-size=256',
      '--max-semi-space-size=16',
    ]);
  });

  it("adds malloc's settings to the child's environment unless it sets them itself", () => {
    expect(nativeMemoryEnv({ PATH: '/bin' })).toEqual({ ...NATIVE_MEMORY_ENV, PATH: '/bin' });
    expect(nativeMemoryEnv({ MALLOC_ARENA_MAX: '8' })['MALLOC_ARENA_MAX']).toBe('8');
    expect(Number(nativeMemoryEnv({})['MALLOC_MMAP_THRESHOLD_'])).toBe(128 * 1024);
  });

  it('leaves a limit set on the command line or in NODE_OPTIONS alone', () => {
    expect(hasHeapLimit(['--max-old-space-size=384'], undefined)).toBe(true);
    expect(hasHeapLimit([], '--enable-source-maps --max-old-space-size=384')).toBe(true);
    expect(hasHeapLimit(['--max-semi-space-size=16'], '--enable-source-maps')).toBe(false);
    expect(hasHeapLimit([], undefined)).toBe(false);
  });

  it('exits as the service it relaunches does, with its one-line failure', () => {
    // Nothing listens on port 1: the service fails at once, in the child the entry point started.
    const run = spawnSync(process.execPath, ['--conditions=@mesh-momentum/source', MAIN], {
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        MM_KAFKA_BROKERS: '127.0.0.1:1',
        MM_REDIS_URL: 'redis://127.0.0.1:1',
        MM_PROCESSOR_HTTP_PORT: '0',
        MM_LOG_LEVEL: 'silent',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^processor: cannot connect to Redis: .*\[MM_ERR_STORE_UNAVAILABLE\]$/m);
  }, 60_000);

  it('reports an invalid budget itself, without starting a child', () => {
    const run = spawnSync(process.execPath, ['--conditions=@mesh-momentum/source', MAIN], {
      env: { ...process.env, NODE_OPTIONS: '', MM_PROCESSOR_MEMORY_MB: '64' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('MM_PROCESSOR_MEMORY_MB: must be >= 128 (got "64")');
  }, 60_000);
});
