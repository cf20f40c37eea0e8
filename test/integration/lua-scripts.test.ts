import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { luaDirOf, SCRIPT_STATUS, withScripts } from '@mesh-momentum/redis-scripts';
import { startPrivateRedis, type PrivateRedis } from '@mesh-momentum/testing';

/**
 * The one Lua loader on a real Redis (a private redis-server: its scripts are flushed here): a script
 * defined once per client answers by the status convention, in plain calls and pipelines, and keeps
 * answering after Redis forgot it (SCRIPT FLUSH, as after a restart or a failover: NOSCRIPT, then EVAL).
 */
interface ReleaseScript {
  mmTestRelease(key: string, claim: string): Promise<number>;
}

describe('Lua scripts through withScripts', () => {
  let server: PrivateRedis;
  let redis: Redis;
  // The ingest gateway's compare-and-delete: a small script with one key.
  const dir = luaDirOf(new URL('../../services/ingest/src/scripts.ts', import.meta.url).href);
  const specs = { mmTestRelease: { file: 'release-delivery', numberOfKeys: 1 } };

  beforeAll(async () => {
    server = await startPrivateRedis();
    redis = new Redis(server.url, { lazyConnect: true });
    await redis.connect();
  });

  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('answers by the status convention, again after Redis forgot the script, in a pipeline too', async () => {
    const client = withScripts<ReleaseScript>(redis, dir, specs);
    // Defining twice is harmless: the second call finds the command.
    expect(withScripts<ReleaseScript>(redis, dir, specs)).toBe(client);

    await redis.set('claim', 'mine');
    expect(await client.mmTestRelease('claim', 'theirs')).toBe(SCRIPT_STATUS.NONE);
    expect(await client.mmTestRelease('claim', 'mine')).toBe(SCRIPT_STATUS.OK);
    expect(await redis.exists('claim')).toBe(0);

    await redis.script('FLUSH');
    await redis.set('claim', 'mine');
    expect(await client.mmTestRelease('claim', 'mine')).toBe(SCRIPT_STATUS.OK);

    await redis.script('FLUSH');
    await redis.set('claim', 'mine');
    const pipeline = redis.pipeline() as ReturnType<Redis['pipeline']> & {
      mmTestRelease(key: string, claim: string): unknown;
    };
    pipeline.mmTestRelease('claim', 'mine');
    // ioredis sends a call that met NOSCRIPT again as EVAL after the pipeline's other commands: a
    // pipeline of ours never relies on the order of a script call among its commands.
    expect(await pipeline.exec()).toEqual([[null, SCRIPT_STATUS.OK]]);
    expect(await redis.exists('claim')).toBe(0);
  });
});
