import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RedisClient } from '@mesh-momentum/service-kit';

/** Beside src/ (and dist/), so sources and build output find them without copying. */
const LUA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'lua');

const lua = (name: string) => readFileSync(join(LUA_DIR, `${name}.lua`), 'utf8');

/** The gateway's Redis scripts (each file's header says its KEYS, ARGV and reply). */
export interface IngestScripts {
  mmIngestTakeBudget(
    key: string,
    amount: number,
    max: number,
    windowMs: number,
  ): Promise<[number, number, number]>;
  mmIngestReleaseDelivery(key: string, claim: string): Promise<number>;
}

/** Loads the scripts once per client (EVALSHA afterwards) and returns the client typed with them. */
export function withIngestScripts(redis: RedisClient): RedisClient & IngestScripts {
  const r = redis as RedisClient & Partial<IngestScripts>;
  if (r.mmIngestTakeBudget === undefined) {
    redis.defineCommand('mmIngestTakeBudget', { numberOfKeys: 1, lua: lua('take-budget') });
    redis.defineCommand('mmIngestReleaseDelivery', { numberOfKeys: 1, lua: lua('release-delivery') });
  }
  return redis as RedisClient & IngestScripts;
}
