import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { LOCAL_INFRA_SCRIPT, REPO_ROOT } from './local-services.ts';

const run = promisify(execFile);

/** Points the tests at a running Alertmanager instead of the local one (e.g. `http://127.0.0.1:9093`). */
export const TEST_ALERTMANAGER_VARIABLE = 'MM_TEST_ALERTMANAGER_URL';

/** Where infra/local/local-infra.sh runs Alertmanager (MM_LOCAL_ALERTMANAGER_PORT, default 19094). */
export const LOCAL_ALERTMANAGER_URL = `http://127.0.0.1:${process.env['MM_LOCAL_ALERTMANAGER_PORT'] ?? '19094'}`;

export interface AlertmanagerService {
  readonly url: string;
  /** Stops it when this call started it; leaves it running otherwise. */
  stop(): Promise<void>;
}

async function ready(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

/**
 * A real Prometheus Alertmanager for a test file: the one named by MM_TEST_ALERTMANAGER_URL, else the
 * local one, started through `local-infra.sh up alertmanager` (which installs Debian's package on first
 * use) when it does not answer.
 */
export async function ensureAlertmanager(env = process.env): Promise<AlertmanagerService> {
  const given = env[TEST_ALERTMANAGER_VARIABLE];
  if (given) return { url: given.replace(/\/+$/, ''), stop: async () => {} };
  if (await ready(LOCAL_ALERTMANAGER_URL)) return { url: LOCAL_ALERTMANAGER_URL, stop: async () => {} };
  await run('bash', [LOCAL_INFRA_SCRIPT, 'up', 'alertmanager'], { cwd: REPO_ROOT, timeout: 10 * 60_000 });
  return {
    url: LOCAL_ALERTMANAGER_URL,
    stop: async () => {
      await run('bash', [LOCAL_INFRA_SCRIPT, 'down', 'alertmanager'], { cwd: REPO_ROOT, timeout: 60_000 });
    },
  };
}
