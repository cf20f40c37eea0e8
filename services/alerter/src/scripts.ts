import { luaDirOf, withScripts, type ScriptClient } from '@mesh-momentum/redis-scripts';

export { SCRIPT_STATUS } from '@mesh-momentum/redis-scripts';

/**
 * The alerter's Redis scripts; the number of keys comes first in each call. Replies (each file's
 * header): commit and settle answer SCRIPT_STATUS (OK, NONE: the delivery is gone, FENCED); lease
 * the epoch held (0: another instance holds it); release OK or NONE; prune the fields deleted.
 */
export interface AlerterScripts {
  mmAlerterCommit(numKeys: number, ...args: (string | number)[]): Promise<number>;
  mmAlerterSettle(numKeys: number, ...args: (string | number)[]): Promise<number>;
  mmAlerterLease(numKeys: number, ...args: (string | number)[]): Promise<number>;
  mmAlerterRelease(numKeys: number, ...args: (string | number)[]): Promise<number>;
  mmAlerterPrune(numKeys: number, ...args: (string | number)[]): Promise<number>;
}

const LUA_DIR = luaDirOf(import.meta.url);

/** Defines the scripts on the client once (EVALSHA afterwards) and returns the client typed with them. */
export function withAlerterScripts(redis: ScriptClient): ScriptClient & AlerterScripts {
  return withScripts<AlerterScripts>(redis, LUA_DIR, {
    mmAlerterCommit: { file: 'commit-evaluation' },
    mmAlerterSettle: { file: 'settle-delivery' },
    mmAlerterLease: { file: 'lease' },
    mmAlerterRelease: { file: 'release-lease' },
    mmAlerterPrune: { file: 'prune-hash-entries' },
  });
}
