import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { modulesLoadedBy as loadedBy } from '@mesh-momentum/testing';

/**
 * The dashboard is a reader: it depends on the key contract and its reader (`@mesh-momentum/store`),
 * never on the write engine or the processor, and it reads only through the reader's batched,
 * slot-aware calls (a pipeline of its own over many domains is what a Redis Cluster refuses).
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SRC = fileURLToPath(new URL('./', import.meta.url));

const modulesLoadedBy = (specifier: string) => loadedBy(specifier, ROOT);

const sources = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => ({ file: f, text: readFileSync(`${SRC}${f}`, 'utf8') }));

describe('the dashboard as a reader', () => {
  it('loads neither the write engine nor the processor', () => {
    const loaded = modulesLoadedBy('@mesh-momentum/dashboard');
    expect(loaded.filter((u) => /\/(store-writer|services\/processor)\//.test(u))).toEqual([]);
  }, 30_000);

  it('does not depend on them in its manifest, its project references, its entry point or its wiring', () => {
    const manifest = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
    const tsconfig = readFileSync(new URL('../tsconfig.json', import.meta.url), 'utf8');
    const wiring = sources.filter((s) => s.file === 'main.ts' || s.file === 'service.ts').map((s) => s.text);
    expect(wiring).toHaveLength(2);
    for (const text of [manifest, tsconfig, ...wiring]) {
      expect(text).not.toMatch(/store-writer|@mesh-momentum\/processor|\.\.\/processor/);
    }
  });

  it('sends no pipeline or transaction of its own and builds no contract key itself', () => {
    for (const { file, text } of sources) {
      expect(text, file).not.toMatch(/\.pipeline\(|\.multi\(|\bexecPerNode\b|\bkeys\.\w+\(/);
    }
  });
});
