import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * The local infrastructure scripts start every long-running process through local-infra.sh's
 * `launch_as`, which returns only once the pid file holds the pid. A start-up loop that asked "has it
 * exited?" before the child had written its pid read no pid and answered yes: the SASL broker was
 * reported as "exited during start-up" while it was starting normally.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const infra = join(root, 'infra/local');
let stateDir: string | undefined;

afterEach(() => {
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  stateDir = undefined;
});

describe('local infrastructure: starting processes', () => {
  it('launch_as returns with the pid of a live process in the pid file, every time', () => {
    stateDir = mkdtempSync(join(tmpdir(), 'mm-launch-'));
    // Each round: launch, then at once the check the start-up loops make; print what it saw. Every
    // pid file starts out stale, naming a live process that is not the one launched (this shell).
    const script = `
      . "${infra}/local-infra.sh"
      set +e
      for i in $(seq 1 20); do
        echo $$ >"$STATE_DIR/sleeper-$i.pid"
        launch_as "sleeper-$i" "$STATE_DIR/sleeper.log" "$STATE_DIR/sleeper-$i.pid" sleep 30
        pid="$(cat "$STATE_DIR/sleeper-$i.pid" 2>/dev/null)"
        if [ "$pid" = $$ ]; then echo "stale $pid";
        elif [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid"; then echo "alive $pid"; else echo "missing [$pid]"; fi
        [ "$pid" = $$ ] || kill "$pid" 2>/dev/null
      done
    `;
    const out = execFileSync('bash', ['-c', script], {
      encoding: 'utf8',
      env: { ...process.env, MM_LOCAL_STATE_DIR: stateDir },
    });
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(20);
    for (const line of lines) expect(line).toMatch(/^alive \d+$/);
    expect(readFileSync(join(stateDir, 'sleeper.log'), 'utf8')).toContain('starting sleeper-20');
  }, 60_000);

  it('no script starts a process another way (setsid outside launch_as)', () => {
    const offenders: string[] = [];
    for (const file of readdirSync(infra).filter((f) => f.endsWith('.sh'))) {
      const lines = readFileSync(join(infra, file), 'utf8').split('\n');
      let inLaunchAs = false;
      lines.forEach((line, i) => {
        if (/^launch_as\(\) \{/.test(line)) inLaunchAs = true;
        else if (/^\}/.test(line)) inLaunchAs = false;
        else if (/^\s*[^#]*\bsetsid\b/.test(line) && !inLaunchAs) offenders.push(`${file}:${i + 1}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});
