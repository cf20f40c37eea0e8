import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const scripts = (
  JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> }
).scripts;

/**
 * Every command that runs a service or a tool of ours answers --help without doing anything (no
 * connection: these run with no infrastructure) and refuses an unknown flag with exit code 2, before it
 * connects or changes anything. `pnpm scores:rebuild --help` once ran a real rebuild.
 */
const COMMANDS = [
  'processor',
  'ingest',
  'dashboard',
  'alerter',
  'scores:rebuild',
  'ingest:token',
  'admin:token',
  'alerter:silence',
  'alerter:pause',
];

function run(script: string, args: string[]) {
  const [, ...nodeArgs] = (scripts[script] ?? '').split(' ');
  // Nothing is reachable at these addresses: a command that connected would fail, not exit 0.
  const env = {
    ...process.env,
    MM_KAFKA_BROKERS: '127.0.0.1:1',
    MM_REDIS_URL: 'redis://127.0.0.1:1',
    MM_SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1',
  };
  return spawnSync(process.execPath, [...nodeArgs, ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('commands answer --help and refuse unknown flags', () => {
  it.each(COMMANDS)(
    'pnpm %s',
    (script) => {
      expect(scripts[script], script).toMatch(/^node /);
      const help = run(script, ['--help']);
      expect(help.status, help.stderr).toBe(0);
      expect(help.stdout.startsWith(`usage: pnpm ${script}`), help.stdout).toBe(true);
      const bogus = run(script, ['--no-such-flag']);
      expect(bogus.status, bogus.stderr).toBe(2);
      expect(bogus.stderr).toContain(`${script}: Unknown option '--no-such-flag'`);
      // Two node start-ups with TypeScript stripping: seconds each on a busy 2-core machine.
    },
    60_000,
  );
});
