import { readFileSync } from 'node:fs';
import type { Cluster, Redis } from 'ioredis';

/**
 * The one way a package of ours runs Lua on Redis. Each script is a file of the package's `lua/`
 * directory that opens with its KEYS, ARGV and Returns (test: `lua-scripts.test.ts`), and becomes a
 * command of the client through ioredis' `defineCommand`: ioredis sends EVALSHA and falls back to EVAL
 * on NOSCRIPT (a restarted or failed-over Redis that forgot the script), in plain calls and pipelines,
 * and on a Redis Cluster routes each call by its first key (the keys of one call share a hash tag).
 * In a pipeline, a call that met NOSCRIPT is sent again after the pipeline's other commands: a pipeline
 * must not rely on the order of a script call among its commands (ours hold independent calls).
 */

/** A single Redis or a Redis Cluster. */
export type ScriptClient = Redis | Cluster;

/** One script: its file and how many of its arguments are keys. */
export interface ScriptSpec {
  /** The file's name in the package's `lua/` directory, without `.lua`. */
  readonly file: string;
  /** KEYS per call; omitted when it varies per call: the caller then passes the count first. */
  readonly numberOfKeys?: number;
}

/**
 * The script-status convention: a script that reports an outcome answers one of these, as its reply
 * or as its reply's first element (its header says which, and what follows). A script that answers a
 * quantity instead (a count of deleted fields, an epoch) says so in its header; 0 then also means
 * "nothing done".
 */
export const SCRIPT_STATUS = {
  /** Done: written, released, taken, settled. */
  OK: 1,
  /** Nothing done, and nothing wrong: the entry is gone, the claim is another's, the budget does not fit. */
  NONE: 0,
  /** Refused: the caller's fencing epoch is older than the newest one (another instance took over). */
  FENCED: -1,
  /** Refused: some events were applied before; their indexes follow. Nothing written. */
  DUPLICATES: 2,
  /** Refused: Redis holds another version than the caller's values were computed from. Nothing written. */
  STALE: 3,
} as const;

export type ScriptStatus = (typeof SCRIPT_STATUS)[keyof typeof SCRIPT_STATUS];

/**
 * The directory of a package's Lua files, from a module of that package: `luaDirOf(import.meta.url)`
 * is `<package>/lua/` both for `src/*.ts` (sources run as they are) and `dist/*.js` (`pnpm build`), so
 * the build copies nothing.
 */
export function luaDirOf(moduleUrl: string): URL {
  return new URL('../lua/', moduleUrl);
}

/** The text of `<file>.lua` in `dir`. */
export function scriptSource(dir: URL, file: string): string {
  return readFileSync(new URL(`${file}.lua`, dir), 'utf8');
}

/**
 * Defines the scripts on the client (once per client: a second call finds them defined) and returns
 * the client typed with them. `T` declares the commands, named as in `specs`, with their arguments and
 * replies (the scripts' headers).
 */
export function withScripts<T extends object>(
  redis: ScriptClient,
  dir: URL,
  specs: { readonly [K in keyof T & string]: ScriptSpec },
): ScriptClient & T {
  const client = redis as ScriptClient & Record<string, unknown>;
  for (const [name, spec] of Object.entries<ScriptSpec>(specs)) {
    if (typeof client[name] === 'function') continue;
    redis.defineCommand(name, {
      lua: scriptSource(dir, spec.file),
      ...(spec.numberOfKeys === undefined ? {} : { numberOfKeys: spec.numberOfKeys }),
    });
  }
  return redis as ScriptClient & T;
}
