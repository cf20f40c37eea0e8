import { execFileSync } from 'node:child_process';

/**
 * Every module URL Node resolves while importing `specifier` in a fresh process, from the sources (as
 * tests and scripts run them): what a layering test checks a package really loads. The resolve hook sees
 * each import once per importer, node: built-ins included.
 *
 * @param cwd where the import is resolved from (the repository root)
 */
export function modulesLoadedBy(specifier: string, cwd: string): string[] {
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
    { cwd, encoding: 'utf8' },
  );
  return JSON.parse(out) as string[];
}
