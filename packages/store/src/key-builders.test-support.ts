import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Finds every Redis key builder of the repository and what it builds from docs/redis-contract.md's
 * placeholders, so the page can be checked against the code without a hand-kept list.
 *
 * Convention (the test fails when it is broken): keys are built only in modules named `keys.ts` under
 * `packages/*\/src` and `services/*\/src`; a builder is an export (or a member of an exported object)
 * whose first parameter is `prefix` or `ks`, and its TSDoc opens with the Redis type (`String`, `Hash`,
 * `Set`, `Sorted set`, `Pub/sub channel`, or `Counter`, a string). A builder may return an object of
 * keys and further builders (`alerterKeys(prefix).alerts`, `ingestKeys(prefix).delivery(…)`).
 */

export const ROOT = new URL('../../../', import.meta.url);

/** A key (or channel) as the page writes it, with the type its builder's TSDoc gives. */
export interface BuiltKey {
  readonly key: string;
  readonly type: string;
  /** Where it is built: `<module>#<path>`, for failure messages. */
  readonly builder: string;
}

/** The key space on the page: prefix `<p>`, namespace `<ns>`. */
const KS = { prefix: '<p>', namespace: '<ns>' };
/** Distinct numbers the dedup key's builder turns into its `<days>d:<period>` part. */
const SAMPLE_DAYS = 4242;
const SAMPLE_PERIOD = 9191;

/**
 * The page's placeholders, by the builders' parameter names. A scope stands for both of its kinds (the
 * page's `<scope>`). A new parameter name needs its placeholder here and on the page.
 */
const PLACEHOLDERS: Readonly<Record<string, readonly unknown[]>> = {
  prefix: ['<p>'],
  ks: [KS],
  domain: ['<domain>'],
  scope: [{ kind: 'domain' }, { kind: 'product', productId: '<productId>' }],
  metric: ['<metric>'],
  topic: ['<topic>'],
  partition: ['<partition>'],
  windowMs: [SAMPLE_DAYS * 86_400_000],
  period: [SAMPLE_PERIOD],
  tool: ['<tool>'],
  source: ['<source>'],
  deliveryId: ['<deliveryId>'],
  kind: ['<kind>'],
  id: ['<id>'],
};

/** What a built key becomes on the page: sample numbers and digests as their placeholders. */
function asOnPage(key: string): string {
  return key
    .replace(`:${SAMPLE_DAYS}d:${SAMPLE_PERIOD}`, ':<days>d:<period>')
    .replace(/[0-9a-f]{32}/g, '<digest>');
}

const TYPES: Readonly<Record<string, string>> = {
  string: 'string',
  counter: 'string',
  hash: 'hash',
  set: 'set',
  'sorted set': 'sorted set',
  'pub/sub channel': 'pub/sub channel',
};

/** Every file under packages/*\/src and services/*\/src, as `<group>/<package>/src/<path>` URLs. */
function sourceFiles(): URL[] {
  const found: URL[] = [];
  for (const group of ['packages', 'services']) {
    for (const name of readdirSync(new URL(`${group}/`, ROOT))) {
      const src = new URL(`${group}/${name}/src/`, ROOT);
      let files: string[];
      try {
        files = readdirSync(src, { recursive: true }) as string[];
      } catch {
        continue;
      }
      for (const file of files) found.push(new URL(file, src));
    }
  }
  return found.sort((a, b) => a.href.localeCompare(b.href));
}

const isKeyModule = (file: URL) => file.pathname.endsWith('/keys.ts');

/** Every `keys.ts` under packages/*\/src and services/*\/src. */
export function keyModules(): URL[] {
  return sourceFiles().filter(isKeyModule);
}

function parameterNames(fn: (...args: never[]) => unknown): string[] {
  const text = fn.toString();
  const list =
    /^(?:async\s*)?(?:function\s*[\w$]*\s*)?\(([^)]*)\)/.exec(text)?.[1] ?? /^([\w$]+)\s*=>/.exec(text)?.[1];
  if (list === undefined) throw new Error(`cannot read the parameters of ${text.slice(0, 80)}`);
  return list
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

const isBuilder = (value: unknown): value is (...args: never[]) => unknown =>
  typeof value === 'function' && ['prefix', 'ks'].includes(parameterNames(value as () => unknown)[0] ?? '');

/** The Redis type the TSDoc right before `name` (a member or an export) opens with. */
function documentedType(source: string, name: string, builder: string): string {
  const docs = new RegExp(
    String.raw`/\*\*((?:(?!\*/)[\s\S])*)\*/\s*(?:export\s+(?:const|function)\s+)?(?:readonly\s+)?${name}\s*[(:=]`,
  ).exec(source)?.[1];
  const lead = docs
    ?.replace(/^\s*\*?\s*/gm, ' ')
    .trim()
    .toLowerCase();
  const type = Object.keys(TYPES).find((t) => lead?.startsWith(t));
  if (!type)
    throw new Error(`${builder}: its TSDoc must open with the Redis type (${Object.keys(TYPES).join(', ')})`);
  return TYPES[type] as string;
}

/** Every argument list the placeholders give for these parameters (scopes expand to both kinds). */
function argumentLists(params: readonly string[], builder: string): unknown[][] {
  let lists: unknown[][] = [[]];
  for (const param of params) {
    const values = PLACEHOLDERS[param];
    if (!values)
      throw new Error(`${builder}: no placeholder for parameter ${param} (key-builders.test-support.ts)`);
    lists = lists.flatMap((list) => values.map((v) => [...list, v]));
  }
  return lists;
}

/** Every key each builder of each key module builds from the placeholders. */
export async function builtKeys(): Promise<BuiltKey[]> {
  const out: BuiltKey[] = [];
  for (const module of keyModules()) {
    const source = readFileSync(module, 'utf8');
    const where = fileURLToPath(module).slice(fileURLToPath(ROOT).length);
    const exports = (await import(module.href)) as Record<string, unknown>;
    const visit = (value: unknown, name: string, path: string, type: string | undefined): void => {
      const builder = `${where}#${path}`;
      if (typeof value === 'string') {
        out.push({ key: asOnPage(value), type: type ?? documentedType(source, name, builder), builder });
      } else if (typeof value === 'function') {
        const fn = value as (...args: unknown[]) => unknown;
        const own = documentedTypeOrUndefined(source, name);
        for (const args of argumentLists(parameterNames(fn), builder))
          visit(fn(...args), name, `${path}()`, own);
      } else if (typeof value === 'object' && value !== null) {
        for (const [member, v] of Object.entries(value)) visit(v, member, `${path}.${member}`, undefined);
      }
    };
    for (const [name, value] of Object.entries(exports)) {
      if (isBuilder(value)) visit(value, name, name, undefined);
      else if (typeof value === 'object' && value !== null) {
        for (const [member, v] of Object.entries(value))
          if (isBuilder(v)) visit(v, member, `${name}.${member}`, undefined);
      }
    }
  }
  return out;
}

/** The builder's own type when its TSDoc gives one (a builder of one key); undefined for one of an object. */
function documentedTypeOrUndefined(source: string, name: string): string | undefined {
  try {
    return documentedType(source, name, name);
  } catch {
    return undefined;
  }
}

/**
 * Template literals in the sources outside the key modules that start like a key (`${…prefix}:…`, not
 * a SCAN pattern ending in `*`): keys built where the test cannot find them.
 */
export function keysBuiltElsewhere(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles()) {
    if (!file.pathname.endsWith('.ts') || isKeyModule(file) || /\.test(-support)?\.ts$/.test(file.pathname))
      continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/`\$\{[\w.#]*[pP]refix\}:[^`]*`/g)) {
      if (!m[0].endsWith('*`'))
        found.push(`${fileURLToPath(file).slice(fileURLToPath(ROOT).length)}: ${m[0]}`);
    }
  }
  return found;
}
