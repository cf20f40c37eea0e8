import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LUA_DIR = join(dirname(fileURLToPath(import.meta.url)), 'lua');

/** A Lua script shipped as a file; ioredis loads it once and calls it by SHA (EVALSHA, EVAL on NOSCRIPT). */
export interface LuaScript {
  readonly name: string;
  readonly numberOfKeys: number;
  readonly lua: string;
}

function script(name: string, numberOfKeys: number): LuaScript {
  return { name, numberOfKeys, lua: readFileSync(join(LUA_DIR, `${name}.lua`), 'utf8') };
}

export const SCRIPTS = {
  applyDomainBatch: script('apply-domain-batch', 3),
} as const;

/** Status codes the scripts return in their first reply element. */
export const SCRIPT_STATUS = { OK: 1, FENCED: -1 } as const;
