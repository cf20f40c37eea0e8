import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './local-services.ts';
import { waitFor } from './wait.ts';

const run = promisify(execFile);

/** A private Prometheus server for one test file: what it scrapes, and PromQL against it. */
export interface PrometheusServer {
  readonly url: string;
  /** An instant query's result vector (`/api/v1/query`). */
  query(promql: string): Promise<PrometheusSample[]>;
  stop(): Promise<void>;
}

export interface PrometheusSample {
  readonly metric: Record<string, string>;
  readonly value: number;
}

export interface PrometheusOptions {
  /** `host:port` targets of the one scrape job. */
  readonly targets: readonly string[];
  /** The path scraped on each target. @defaultValue '/metrics' */
  readonly metricsPath?: string;
  /** Scrape interval, seconds. @defaultValue 1 */
  readonly intervalSeconds?: number;
}

/** The binary Debian's `prometheus` package installs; installed with apt-get on first use when root. */
async function prometheusBinary(): Promise<string> {
  const found = await run('sh', ['-c', 'command -v prometheus']).catch(() => undefined);
  if (found) return found.stdout.trim();
  if (process.getuid?.() !== 0) {
    throw new Error('prometheus not found: install it (sudo apt-get install -y prometheus)');
  }
  await run('bash', ['-c', '. scripts/apt-install.sh && apt_install prometheus'], {
    cwd: REPO_ROOT,
    timeout: 10 * 60_000,
  });
  return (await run('sh', ['-c', 'command -v prometheus'])).stdout.trim();
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts a real Prometheus (Debian's package) on a free loopback port, with a throw-away data
 * directory and one scrape job, and waits until it is ready. `stop` ends it and deletes its data.
 */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  const binary = await prometheusBinary();
  const dir = await mkdtemp(join(tmpdir(), 'mm-prometheus-'));
  const interval = `${options.intervalSeconds ?? 1}s`;
  const config = [
    'global:',
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    'scrape_configs:',
    '  - job_name: mesh-momentum',
    `    metrics_path: ${options.metricsPath ?? '/metrics'}`,
    '    static_configs:',
    `      - targets: [${options.targets.map((t) => JSON.stringify(t)).join(', ')}]`,
    '',
  ].join('\n');
  await writeFile(join(dir, 'prometheus.yml'), config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${stderr}`);
        const res = await fetch(`${url}/-/ready`).catch(() => undefined);
        return res?.ok ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'Prometheus to be ready' },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    stop,
    async query(promql) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await res.json()) as {
        status: string;
        error?: string;
        data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      if (body.status !== 'success') throw new Error(`PromQL ${promql} failed: ${body.error ?? res.status}`);
      return (body.data?.result ?? []).map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
  };
}
