import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The scripts live beside src/, not in it: src/scripts.ts (sources run as they are) and
 * dist/scripts.js (`pnpm build` output) both find them one level up, so the build copies nothing.
 */
const LUA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'lua');

/**
 * A Lua script shipped as a file; ioredis loads it once and calls it by SHA (EVALSHA, falling back to
 * EVAL on NOSCRIPT). The number of keys varies per call (one set per scope), so callers pass it first.
 */
export interface LuaScript {
  readonly name: string;
  readonly lua: string;
}

function script(name: string): LuaScript {
  return { name, lua: readFileSync(join(LUA_DIR, `${name}.lua`), 'utf8') };
}

export const SCRIPTS = {
  applyDomainBatch: script('apply-domain-batch'),
} as const;

/** Status codes the scripts return in their first reply element (see each script's header). */
export const SCRIPT_STATUS = { OK: 1, FENCED: -1, DUPLICATES: 2, STALE: 3 } as const;
