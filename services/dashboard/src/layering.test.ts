import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The dashboard is a reader: it depends on the key contract and its reader (`@mesh-momentum/store`),
 * never on the write engine or the processor, and it reads only through the reader's batched,
 * slot-aware calls (a pipeline of its own over many domains is what a Redis Cluster refuses).
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SRC = fileURLToPath(new URL('./', import.meta.url));

/** Every module URL Node resolves while importing `specifier` in a fresh process (sources). */
function modulesLoadedBy(specifier: string): string[] {
  const program = `
    import { registerHooks } from 'node:module';
    const seen = new Set();
    registerHooks({ resolve(spec, context, next) { const r = next(spec, context); seen.add(r.url); return r; } });
    await import(${JSON.stringify(specifier)});
    process.stdout.write(JSON.stringify([...seen]));
  `;
  const out = execFileSync(
    process.execPath,
    ['--conditions=@mesh-momentum/source', '--input-type=module', '-e', program],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return JSON.parse(out) as string[];
}

const sources = readdirSync(SRC)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => ({ file: f, text: readFileSync(`${SRC}${f}`, 'utf8') }));

describe('the dashboard as a reader', () => {
  it('loads neither the write engine nor the processor', () => {
    const loaded = modulesLoadedBy('@mesh-momentum/dashboard');
    expect(loaded.filter((u) => /\/(store-writer|services\/processor)\//.test(u))).toEqual([]);
  }, 30_000);

  it('does not depend on them in its manifest, its project references or its entry point', () => {
    const manifest = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
    const tsconfig = readFileSync(new URL('../tsconfig.json', import.meta.url), 'utf8');
    for (const text of [manifest, tsconfig, sources.find((s) => s.file === 'main.ts')?.text ?? '']) {
      expect(text).not.toMatch(/store-writer|@mesh-momentum\/processor|\.\.\/processor/);
    }
  });

  it('sends no pipeline or transaction of its own and builds no contract key itself', () => {
    for (const { file, text } of sources) {
      expect(text, file).not.toMatch(/\.pipeline\(|\.multi\(|\bexecPerNode\b|\bkeys\.\w+\(/);
    }
  });
});
