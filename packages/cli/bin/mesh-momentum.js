#!/usr/bin/env node
// The `mesh-momentum` command. Runs the compiled CLI when the package was built (`pnpm build`), else
// the TypeScript sources through Node's type stripping, so it works straight from a checkout.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/main.js', import.meta.url));
if (existsSync(compiled)) {
  await import(compiled);
} else {
  const source = fileURLToPath(new URL('../src/main.ts', import.meta.url));
  const result = spawnSync(
    process.execPath,
    ['--conditions=@mesh-momentum/source', source, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.exit(result.status ?? 1);
}
