import { luaDirOf, withScripts, type ScriptClient } from '@mesh-momentum/redis-scripts';

/** The gateway's Redis scripts (each file's header says its KEYS, ARGV and reply). */
export interface IngestScripts {
  /** Reply: `[status (SCRIPT_STATUS.OK taken, NONE refused), units taken in the window, ms until it ends]`. */
  mmIngestTakeBudget(
    key: string,
    amount: number,
    max: number,
    windowMs: number,
  ): Promise<[number, number, number]>;
  /** Reply: SCRIPT_STATUS.OK released, NONE the key holds something else. */
  mmIngestReleaseDelivery(key: string, claim: string): Promise<number>;
}

const LUA_DIR = luaDirOf(import.meta.url);

/** Defines the scripts on the client once (EVALSHA afterwards) and returns the client typed with them. */
export function withIngestScripts(redis: ScriptClient): ScriptClient & IngestScripts {
  return withScripts<IngestScripts>(redis, LUA_DIR, {
    mmIngestTakeBudget: { file: 'take-budget', numberOfKeys: 1 },
    mmIngestReleaseDelivery: { file: 'release-delivery', numberOfKeys: 1 },
  });
}
