import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { modulesLoadedBy as loadedBy } from '@mesh-momentum/testing';

/**
 * Readers (dashboards, the alerter, scripts) import this package; the write engine lives in
 * `@mesh-momentum/store-writer`. Readers → contract, writer → contract, never reader → writer: a
 * dashboard must not load the Lua scripts, the mirrors or the ioredis command augmentations. ESLint
 * (`eslint.config.js`, the rule for packages/store) refuses such imports as they are written; this test
 * checks what Node really loads.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const modulesLoadedBy = (specifier: string) => loadedBy(specifier, ROOT);

const ours = (urls: readonly string[]) =>
  urls.filter((u) => u.startsWith('file:') && !u.includes('/node_modules/')).map((u) => fileURLToPath(u));

describe('the reader package (@mesh-momentum/store)', () => {
  const loaded = modulesLoadedBy('@mesh-momentum/store');

  it('loads nothing of the write engine', () => {
    expect(loaded.filter((u) => u.includes('/store-writer/'))).toEqual([]);
  });

  it('loads only the contract, the reader, pure scoring code and the error base of ours', () => {
    const packages = new Set(ours(loaded).map((path) => /\/packages\/([^/]+)\/src\//.exec(path)?.[1]));
    // common: the coded errors a failed read is thrown as (redisFailure: transient or permanent).
    expect([...packages].sort()).toEqual(['common', 'scoring', 'store']);
  });

  it('does not load ioredis (types only: the reader uses the client its caller passes in)', () => {
    expect(loaded.filter((u) => /\/node_modules\/.*ioredis\//.test(u))).toEqual([]);
  });

  it('contains no Lua loading, no script definitions and no module augmentation', () => {
    for (const path of ours(loaded)) {
      const source = readFileSync(path, 'utf8');
      expect(source, path).not.toMatch(/\.lua\b|defineCommand|declare module/);
    }
  });

  it('does not depend on the writer in its manifest or its project references', () => {
    const manifest = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
    const tsconfig = readFileSync(new URL('../tsconfig.json', import.meta.url), 'utf8');
    expect(manifest).not.toContain('store-writer');
    expect(tsconfig).not.toContain('store-writer');
  });
});

describe('the write engine (@mesh-momentum/store-writer)', () => {
  it('builds its keys and fields with the contract package', () => {
    const loaded = ours(modulesLoadedBy('@mesh-momentum/store-writer'));
    expect(loaded.some((path) => path.endsWith('/packages/store/src/keys.ts'))).toBe(true);
  }, 30_000);
});
