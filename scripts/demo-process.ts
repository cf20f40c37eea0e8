import { spawn, type ChildProcess } from 'node:child_process';

/**
 * One of the demo's services as its own Node process, from its TypeScript source. Each gets its own
 * process group (`detached`): Ctrl-C in the terminal then reaches only the demo, which stops the
 * services with one SIGTERM each. In the terminal's group they would get the SIGINT as well, take the
 * demo's SIGTERM for a second signal and exit at once instead of cleanly.
 */
export function startService(entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--conditions=@mesh-momentum/source', entry], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
}
