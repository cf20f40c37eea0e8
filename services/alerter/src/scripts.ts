import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RedisClient } from '@mesh-momentum/store';

/** Beside src/ (and dist/), so sources and build output find them without copying. */
const LUA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'lua');

const lua = (name: string) => readFileSync(join(LUA_DIR, `${name}.lua`), 'utf8');

/** Script return values (see each script's header). */
export const SCRIPT_STATUS = { OK: 1, GONE: 0, FENCED: -1 } as const;

export interface AlerterScripts {
  mmAlerterCommit(numKeys: number, ...args: (string | number)[]): Promise<number>;
  mmAlerterSettle(numKeys: number, ...args: (string | number)[]): Promise<number>;
  mmAlerterLease(numKeys: number, ...args: (string | number)[]): Promise<number>;
  mmAlerterRelease(numKeys: number, ...args: (string | number)[]): Promise<number>;
  mmAlerterPrune(numKeys: number, ...args: (string | number)[]): Promise<number>;
}

/** Loads the scripts once per client (EVALSHA afterwards) and returns the client typed with them. */
export function withAlerterScripts(redis: RedisClient): RedisClient & AlerterScripts {
  const r = redis as RedisClient & Partial<AlerterScripts>;
  if (r.mmAlerterCommit === undefined) {
    redis.defineCommand('mmAlerterCommit', { lua: lua('commit-evaluation') });
    redis.defineCommand('mmAlerterSettle', { lua: lua('settle-delivery') });
    redis.defineCommand('mmAlerterLease', { lua: lua('lease') });
    redis.defineCommand('mmAlerterRelease', { lua: lua('release-lease') });
    redis.defineCommand('mmAlerterPrune', { lua: lua('prune-hash-entries') });
  }
  return redis as RedisClient & AlerterScripts;
}
