import { luaDirOf, scriptSource, withScripts, type ScriptClient } from '@mesh-momentum/redis-scripts';

export { SCRIPT_STATUS } from '@mesh-momentum/redis-scripts';

/** The store writer's Lua files (`lua/` beside src/ and dist/). */
export const LUA_DIR = luaDirOf(import.meta.url);

/**
 * The write engine's scripts, by command name. The apply script's number of keys varies per call (one
 * set per scope), so callers pass it first; its reply is `[SCRIPT_STATUS, ...]` (its header).
 */
const STORE_SCRIPTS = {
  mmApplyDomainBatch: { file: 'apply-domain-batch' },
} as const;

/** The apply script's text (for checks of its literals against the contract). */
export const applyDomainBatchLua = (): string => scriptSource(LUA_DIR, STORE_SCRIPTS.mmApplyDomainBatch.file);

/**
 * Defines the scripts on the client once (EVALSHA afterwards). Their types, for plain calls and
 * pipelines, are declared on ioredis' command interfaces by the module that calls them.
 */
export function withStoreScripts(redis: ScriptClient): void {
  withScripts<Record<keyof typeof STORE_SCRIPTS, unknown>>(redis, LUA_DIR, STORE_SCRIPTS);
}
