import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import COMMANDS from '../../deploy/image/commands.json' with { type: 'json' };

/**
 * The image's entry point (deploy/image/mesh-momentum.js) runs the compiled twin of a root package.json
 * script: `mesh-momentum processor` is `pnpm processor`, from dist/. The image smoke test
 * (test/image/) runs them; here, without a build, the table and the dispatcher's own answers.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const entryPoint = `${root}deploy/image/mesh-momentum.js`;
const scripts = (
  JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> }
).scripts;

describe('the image entry point', () => {
  it('runs, for every command, the compiled module of the pnpm script of the same name', () => {
    for (const [name, { module }] of Object.entries(COMMANDS)) {
      const source = module.replace('/dist/', '/src/').replace(/\.js$/, '.ts');
      expect(scripts[name], `no pnpm script "${name}"`).toBeDefined();
      expect(scripts[name]!.split(/\s+/), name).toContain(source);
    }
  });

  it('has a command for each of the four services, marked as handling its own signals', () => {
    const services = Object.entries(COMMANDS).filter(([, c]) => c.service);
    expect(services.map(([name]) => name).sort()).toEqual(['alerter', 'dashboard', 'ingest', 'processor']);
  });

  it('lists every command under --help and exits 0', () => {
    const out = execFileSync(process.execPath, [entryPoint, '--help'], { encoding: 'utf8' });
    for (const name of Object.keys(COMMANDS)) expect(out).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it('refuses an unknown command with exit code 2, naming it', () => {
    const run = spawnSync(process.execPath, [entryPoint, 'procesor'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown command "procesor"');
  });
});
