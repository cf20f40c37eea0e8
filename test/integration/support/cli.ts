import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { REPO_ROOT } from '@mesh-momentum/testing';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The CLI as a user runs it: a child process with only PATH and the given MM_* variables. */
export function runCli(
  args: readonly string[],
  env: Record<string, string>,
  cwd = REPO_ROOT,
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@mesh-momentum/source', resolve(REPO_ROOT, 'packages/cli/src/main.ts'), ...args],
      { cwd, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}
