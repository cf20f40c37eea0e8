import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * `pnpm build` output must run on plain Node, without the `@mesh-momentum/source` condition that tests
 * and scripts use: files the sources read at run time (the Lua scripts) must be found from dist/ too.
 * The build is incremental (tsbuildinfo), so after the first run this costs about a second.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Manifest {
  readonly name: string;
  readonly exports?: { readonly '.'?: { readonly default?: string } };
}

/** Every workspace package with a built entry point (`exports["."].default`). */
function builtPackages(): string[] {
  const names: string[] = [];
  for (const group of ['packages', 'services']) {
    for (const dir of readdirSync(join(ROOT, group))) {
      const path = join(ROOT, group, dir, 'package.json');
      if (!existsSync(path)) continue;
      const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
      if (manifest.exports?.['.']?.default) names.push(manifest.name);
    }
  }
  return names.sort();
}

interface Loaded {
  readonly url: string;
  readonly exports?: number;
  readonly error?: string;
}

/**
 * Imports every package in one fresh plain `node` (no inherited `--conditions`), reporting per package
 * where it resolved to and how many exports it has, or why it failed. `probe` adds one expression over
 * `@mesh-momentum/store-writer`'s exports.
 */
function importBuilt(
  names: readonly string[],
  probe: string,
): { loaded: Record<string, Loaded>; probe: unknown } {
  const program = `
    const loaded = {};
    for (const name of ${JSON.stringify(names)}) {
      const url = import.meta.resolve(name);
      try { loaded[name] = { url, exports: Object.keys(await import(name)).length }; }
      catch (error) { loaded[name] = { url, error: String(error) }; }
    }
    let probe;
    try { const m = await import('@mesh-momentum/store-writer'); probe = ${probe}; } catch (error) { probe = String(error); }
    process.stdout.write(JSON.stringify({ loaded, probe }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', program], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return JSON.parse(out) as { loaded: Record<string, Loaded>; probe: unknown };
}

describe('pnpm build output', () => {
  const names = builtPackages();
  let built: ReturnType<typeof importBuilt>;
  beforeAll(() => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    execFileSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
    built = importBuilt(names, 'm.applyDomainBatchLua()');
  }, 120_000);

  it.each(names)('%s imports from dist/ with plain node', (name) => {
    const loaded = built.loaded[name];
    expect(loaded?.error).toBeUndefined();
    expect(loaded?.url).toMatch(/\/dist\/index\.js$/);
    expect(loaded?.exports).toBeGreaterThan(0);
  });

  it('finds the Lua scripts from dist/ (the store failed at import when they were missing)', () => {
    expect(built.probe).toMatch(/^--\[==\[\napply-domain-batch:/);
  });
});
