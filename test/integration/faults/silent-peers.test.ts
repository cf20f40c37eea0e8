import { createServer, type Server } from 'node:http';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, inject, it } from 'vitest';
import {
  isolatedEnv,
  REPO_ROOT,
  startSilentServer,
  waitFor,
  type SilentServer,
} from '@mesh-momentum/testing';
import { ProcessorProcess } from '../support/service-process.ts';

/**
 * Dependencies that accept connections and never answer (a hung Redis, broker or registry, a black-holing
 * proxy): every client must end in a clear error or report itself not ready within a bound, never hang.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function silent(): Promise<SilentServer> {
  const server = await startSilentServer();
  cleanups.push(() => server.close());
  return server;
}

function processor(env: Record<string, string>): ProcessorProcess {
  const child = new ProcessorProcess(env);
  cleanups.push(async () => void (await child.stop(2_000)));
  return child;
}

async function readiness(url: string): Promise<{ status: number; checks: Record<string, boolean> }> {
  const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) });
  const body = (await response.json()) as { checks: Record<string, boolean> };
  return { status: response.status, checks: body.checks };
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work;
  return { value, ms: Date.now() - started };
}

describe('silent peers', () => {
  it('Redis that never answers: the processor exits at start-up with a clear error within its connect bound', async () => {
    const redis = await silent();
    const child = processor(
      isolatedEnv(inject('services'), {
        name: 'silent-redis',
        env: { MM_REDIS_URL: `redis://127.0.0.1:${redis.port}`, MM_REDIS_CONNECT_TIMEOUT_MS: '1000' },
      }),
    );
    const { value, ms } = await timed(child.exited());
    expect(value.code).toBe(1);
    expect(ms).toBeLessThan(10_000);
    expect(redis.accepted).toBeGreaterThan(0);
    expect(child.output).toContain('Redis did not answer within 1000 ms');
  });

  it('Kafka that never answers: /readyz says not ready, then the processor exits with MM_ERR_KAFKA_UNAVAILABLE', async () => {
    const kafka = await silent();
    const child = processor(
      isolatedEnv(inject('services'), {
        name: 'silent-kafka',
        env: {
          MM_KAFKA_BROKERS: `127.0.0.1:${kafka.port}`,
          MM_KAFKA_REQUEST_TIMEOUT_MS: '2000',
          MM_PROCESSOR_HTTP_PORT: '0',
          MM_LOG_LEVEL: 'info',
        },
      }),
    );
    const url = await child.opsUrl();
    const early = await readiness(url);
    expect(early.status).toBe(503);
    expect(early.checks['consumerJoined']).toBe(false);
    const { value, ms } = await timed(child.exited());
    expect(value.code).toBe(1);
    expect(ms).toBeLessThan(15_000);
    expect(child.output).toMatch(
      /processor: Kafka \(127\.0\.0\.1:\d+\) is unavailable: .*are the brokers running/,
    );
  });

  it('the CLI against a Kafka that never answers exits 3 with a clear error, not a hang', async () => {
    const kafka = await silent();
    const env = isolatedEnv(inject('services'), {
      name: 'silent-kafka-cli',
      env: { MM_KAFKA_BROKERS: `127.0.0.1:${kafka.port}`, MM_KAFKA_REQUEST_TIMEOUT_MS: '2000' },
    });
    const cli = spawn(
      process.execPath,
      [
        '--conditions=@mesh-momentum/source',
        'packages/cli/src/main.ts',
        'emit',
        'ChampionGained',
        '--domain',
        'payments',
        '--personId',
        'p-1',
        '--role',
        'champion',
      ],
      { cwd: REPO_ROOT, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    cleanups.push(async () => void cli.kill('SIGKILL'));
    let stderr = '';
    cli.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const { value: code, ms } = await timed(new Promise<number | null>((r) => cli.once('exit', r)));
    expect(code).toBe(3);
    expect(ms).toBeLessThan(20_000);
    expect(stderr).toContain('MM_ERR_KAFKA_UNAVAILABLE');
  });

  it.each([
    ['answers 404 (a wrong base URL)', 'http-404'],
    ['accepts and never answers', 'silent'],
  ] as const)('a registry that %s makes /readyz say not ready, naming the registry', async (_what, kind) => {
    let registryUrl: string;
    if (kind === 'silent') {
      registryUrl = `http://127.0.0.1:${(await silent()).port}`;
    } else {
      const server: Server = createServer((_req, res) => res.writeHead(404).end('{"message":"no"}'));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      cleanups.push(() => new Promise((r) => server.close(() => r())));
      const address = server.address();
      if (typeof address !== 'object' || address === null) throw new Error('no port');
      registryUrl = `http://127.0.0.1:${address.port}/apis/ccompat/v7`;
    }
    const child = processor(
      isolatedEnv(inject('services'), {
        name: `registry-${kind}`,
        env: { MM_SCHEMA_REGISTRY_URL: registryUrl, MM_PROCESSOR_HTTP_PORT: '0', MM_LOG_LEVEL: 'info' },
      }),
    );
    const url = await child.opsUrl();
    // Once in its group, only the registry keeps it from being ready.
    const answer = await waitFor(
      async () => {
        const r = await readiness(url);
        return r.checks['consumerJoined'] ? r : undefined;
      },
      { what: 'the processor in its consumer group', timeoutMs: 45_000, intervalMs: 250 },
    );
    expect(answer.status).toBe(503);
    expect(answer.checks).toMatchObject({ consumerJoined: true, redis: true, registry: false });
  });
});
