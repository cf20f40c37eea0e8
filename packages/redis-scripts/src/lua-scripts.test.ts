import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * Every Lua script of the repository (`packages/*\/lua`, `services/*\/lua`) opens with a header naming
 * it, its KEYS, its ARGV and what it returns, and is defined through a `scripts.ts` of its package
 * (`withScripts` specs, `file: '<name>'`): no script is loaded another way, none lies unused.
 */
const ROOT = new URL('../../../', import.meta.url);

const packageDirs = ['packages', 'services'].flatMap((group) =>
  readdirSync(new URL(`${group}/`, ROOT)).map((name) => new URL(`${group}/${name}/`, ROOT)),
);

const scripts = packageDirs.flatMap((dir) => {
  let files: string[];
  try {
    files = readdirSync(new URL('lua/', dir)).filter((f) => f.endsWith('.lua'));
  } catch {
    return [];
  }
  return files.map((file) => ({
    name: file.slice(0, -'.lua'.length),
    path: new URL(`lua/${file}`, dir),
    specs: readFileSync(new URL('src/scripts.ts', dir), 'utf8'),
  }));
});

describe('Lua scripts', () => {
  it('are found (the store writer, the ingest gateway and the alerter each have some)', () => {
    expect(scripts.length).toBeGreaterThanOrEqual(8);
  });

  it.each(scripts.map((s) => [s.name, s] as const))(
    '%s opens with its name, KEYS, ARGV and Returns',
    (name, s) => {
      const header = /^--\[(=*)\[([\s\S]*?)\]\1\]/.exec(readFileSync(s.path, 'utf8'))?.[2] ?? '';
      expect(header.trimStart().startsWith(`${name}:`), 'names the script first').toBe(true);
      expect(header).toMatch(/\bKEYS\b/);
      expect(header).toMatch(/\bARGV\b/);
      expect(header).toMatch(/\bReturns\b/);
    },
  );

  it.each(scripts.map((s) => [s.name, s] as const))(
    '%s is defined by its package’s scripts.ts',
    (name, s) => {
      expect(s.specs).toContain(`file: '${name}'`);
      expect(s.specs).toContain('withScripts');
    },
  );
});
