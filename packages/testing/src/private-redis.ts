import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait.ts';

/** A Redis server of one test's own, which the test may kill and restart without disturbing others. */
export interface PrivateRedis {
  readonly url: string;
  /** SIGKILL: no shutdown save; what was not yet fsynced to the AOF is lost, as in a crash. */
  crash(): Promise<void>;
  /** Copies the data directory aside: the state a crash may fall back to. */
  snapshot(): void;
  /** Starts again on the same port; with `fromSnapshot`, from the copy (the writes after it are lost). */
  restart(options?: { fromSnapshot?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export function redisServerBinary(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('redis-server is not on PATH (infra/local installs it; apt-get install redis-server)');
  }
}

/**
 * Starts `redis-server` on a free loopback port with AOF persistence (`appendfsync everysec`, as
 * docs/redis-contract.md recommends) and `noeviction`, in a temporary directory.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const binary = redisServerBinary();
  const port = await freePort();
  const root = mkdtempSync(join(tmpdir(), 'mm-redis-'));
  const dir = join(root, 'data');
  const snapshotDir = join(root, 'snapshot');
  mkdirSync(dir);
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      binary,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--maxmemory-policy',
        'noeviction',
        '--save',
        '',
      ],
      { stdio: 'ignore' },
    );
    await waitFor(
      () =>
        new Promise<true | undefined>((resolve) => {
          const probe = spawn('redis-cli', ['-p', String(port), 'ping'], {
            stdio: ['ignore', 'pipe', 'ignore'],
          });
          let out = '';
          probe.stdout.on('data', (c: Buffer) => (out += c.toString()));
          probe.on('exit', () => resolve(out.trim() === 'PONG' ? true : undefined));
        }),
      { what: `redis-server on port ${port}`, timeoutMs: 15_000 },
    );
  };
  const kill = async (signal: NodeJS.Signals) => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((r) => running.once('exit', r));
    running.kill(signal);
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    crash: () => kill('SIGKILL'),
    snapshot: () => {
      rmSync(snapshotDir, { recursive: true, force: true });
      cpSync(dir, snapshotDir, { recursive: true });
    },
    restart: async (options = {}) => {
      if (options.fromSnapshot) {
        rmSync(dir, { recursive: true, force: true });
        cpSync(snapshotDir, dir, { recursive: true });
      }
      await start();
    },
    stop: async () => {
      await kill('SIGTERM');
      rmSync(root, { recursive: true, force: true });
    },
  };
}
