import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Logger } from '@mesh-momentum/common';

/**
 * The web UI's build output (git-ignored) is made on first start when missing: `vite build` in
 * services/dashboard/web (a few seconds). Returns the folder to serve, or undefined when the UI
 * cannot be built (the API still runs). `force` rebuilds (tests: never a stale build).
 */
export async function ensureWebBuild(
  webDir: string,
  logger: Logger,
  options: { readonly force?: boolean } = {},
): Promise<string | undefined> {
  const dist = join(webDir, 'dist');
  if (!options.force && existsSync(join(dist, 'index.html'))) return dist;
  if (!existsSync(join(webDir, 'index.html'))) return undefined;
  logger.info({ webDir }, 'building the web UI (first start)');
  const code = await new Promise<number>((resolve) => {
    // Vite's own entry run by this Node: no pnpm needed (the docker-compose container has none).
    const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
    const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
      cwd: webDir,
      stdio: 'inherit',
    });
    child.on('close', (c) => resolve(c ?? 1));
    child.on('error', () => resolve(1));
  });
  if (code !== 0 || !existsSync(join(dist, 'index.html'))) {
    logger.warn({ webDir }, 'the web UI could not be built; serving the API only');
    return undefined;
  }
  return dist;
}
