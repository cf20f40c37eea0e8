import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, loadConfig } from '@mesh-momentum/common';
import { createKafka } from '@mesh-momentum/kafka';
import { waitFor } from '@mesh-momentum/testing';
import { fencedBlocks, readDoc, ROOT } from '../unit/docs-markdown.ts';

/**
 * The read-only commands of the docs, run as written against the demo's data: `bash scripts/demo.sh`
 * as a reader starts it (it keeps its four services running), then the redis-cli and curl examples,
 * the CLI's bulk file and the README's SDK snippet, the alerter's read commands, a clean Ctrl-C of a
 * `pnpm <service>`, and last Ctrl-C of the demo itself. The demo uses the local infrastructure on its
 * default ports and fixed ports of its own (8090, 8091, 18088, 19465, 19464).
 */

const DEMO_TIMEOUT_MS = 400_000;
const stamp = `${Date.now()}`;
/** Topics of this file's own, so the CLI and the snippet never add events to the demo's. */
const OWN_TOPICS = {
  MM_TOPIC_EVENTS: `docs-commands.${stamp}.events`,
  MM_TOPIC_DLQ: `docs-commands.${stamp}.dlq`,
};

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A command line as a reader types it, through bash, from the repository root. */
function sh(script: string, env: Record<string, string> = {}, timeoutMs = 60_000): Run {
  const run = spawnSync('bash', ['-c', script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The body of the first `sh` block of a doc whose text contains `needle`. */
function shellBlock(doc: string, needle: string): string {
  const block = fencedBlocks(readDoc(doc)).find((b) => b.lang === 'sh' && b.body.includes(needle));
  if (!block) throw new Error(`${doc}: no sh block with ${needle}`);
  return block.body;
}

/** A process in its own process group, as a terminal runs a foreground job: Ctrl-C signals the group. */
class Job {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(command: string, args: readonly string[], env: Record<string, string> = {}) {
    this.child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child.stdout?.on('data', (c: Buffer) => (this.stdout += c.toString('utf8')));
    this.child.stderr?.on('data', (c: Buffer) => (this.stderr += c.toString('utf8')));
    this.exit = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  /** Until the output contains `text`; fails at once if the process exits first. */
  async waitFor(text: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.stdout.includes(text)) {
      if (this.child.exitCode !== null)
        throw new Error(`exited (${this.child.exitCode}): ${this.stdout}${this.stderr}`);
      if (Date.now() > deadline)
        throw new Error(`no "${text}" within ${timeoutMs} ms: ${this.stdout}${this.stderr}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Ctrl-C: SIGINT to the whole process group. */
  interrupt(): void {
    process.kill(-(this.child.pid as number), 'SIGINT');
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      try {
        process.kill(-(this.child.pid as number), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}

describe('the docs commands, on the demo', () => {
  let demo: Job;

  beforeAll(async () => {
    demo = new Job('bash', ['scripts/demo.sh']);
    await demo.waitFor('Dashboard: http://127.0.0.1:8090/', DEMO_TIMEOUT_MS);
  }, DEMO_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    demo?.kill();
    const config = loadConfig({ ...process.env, ...OWN_TOPICS });
    const admin = createKafka(config.kafka, {
      logger: createLogger({ name: 'test', level: 'warn' }),
    }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: Object.values(OWN_TOPICS) }).catch(() => undefined);
    await admin.disconnect();
  });

  it('prints the environment that points another tool at its data', () => {
    expect(demo.stdout).toContain('MM_REDIS_KEY_PREFIX=mm-demo MM_TOPIC_EVENTS=mesh-momentum.demo.events');
  });

  it('docs/dashboard.md: the redis-cli reads answer with the demo scores', () => {
    const run = sh(`set -e\n${shellBlock('docs/dashboard.md', 'redis-cli -p 16379')}`);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    for (const domain of ['payments', 'marketing', 'logistics', 'hr']) expect(run.stdout).toContain(domain);
    expect(run.stdout).toMatch(/^momentum$/m);
    expect(run.stdout).toMatch(/^quadrant$/m);
    // The stalled domains of the demo: hr stalls in every seed's story.
    expect(run.stdout).toMatch(/^hr$/m);
    const subscribe = sh(
      'P=mm-demo; NS=$(redis-cli -p 16379 GET "$P:namespace"); timeout 2 redis-cli -p 16379 SUBSCRIBE "$P:$NS:changes" || true',
    );
    expect(subscribe.stdout).toContain('subscribe');
  });

  it('docs/dashboard.md: the curl examples answer, and the Alerts page is live', async () => {
    const block = shellBlock('docs/dashboard.md', 'curl -s http://127.0.0.1:8090/api/overview');
    for (const line of block.split('\n').map((l) => l.replace(/\s+#.*$/, ''))) {
      const run = sh(`${line} -f`);
      expect(run.status, line).toBe(0);
      expect(run.stdout.length, line).toBeGreaterThan(2);
    }
    // The dashboard reads the alerter's lease on its refresh timer (MM_DASHBOARD_REFRESH_MS).
    type Alerts = { alerting: { running: boolean }; items: unknown[] };
    const alerts = await waitFor(
      () => {
        const answer = JSON.parse(sh('curl -sf http://127.0.0.1:8090/api/alerts').stdout) as Alerts;
        return answer.alerting.running ? answer : undefined;
      },
      { what: 'the Alerts page showing a running alerter', timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(alerts.items.length).toBeGreaterThan(0);
  }, 90_000);

  it("docs/alerter.md: the alerter's list commands read the demo's alerter", () => {
    for (const command of ['pnpm -s alerter:silence list', 'pnpm -s alerter:pause list']) {
      const run = sh(command);
      expect(run.status, `${command}: ${run.stderr}`).toBe(0);
    }
  });

  it('getting started: pnpm cli emit --file examples/events.ndjson sends every line', () => {
    expect(sh('pnpm -s cli topics create', OWN_TOPICS).status).toBe(0);
    const run = sh('pnpm -s cli emit --file examples/events.ndjson', OWN_TOPICS);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('sent 5, refused 0');
  });

  it('getting started: the SDK snippet runs as the page says to run it', () => {
    const run = sh('node --conditions=@mesh-momentum/source examples/first-event.ts', OWN_TOPICS);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('a pnpm <service> stopped with Ctrl-C stops cleanly and pnpm reports no failure', async () => {
    const dashboard = new Job('pnpm', ['dashboard'], {
      MM_REDIS_KEY_PREFIX: 'mm-demo',
      MM_DASHBOARD_HTTP_PORT: '0',
      MM_LOG_LEVEL: 'info',
    });
    await dashboard.waitFor('dashboard listening', 60_000);
    dashboard.interrupt();
    const exit = await dashboard.exit;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(dashboard.stdout).toContain('"msg":"stopped"');
    expect(`${dashboard.stdout}${dashboard.stderr}`).not.toContain('ELIFECYCLE');
    expect(dashboard.stdout.split('\n').filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
  }, 90_000);

  it('Ctrl-C stops the demo and its four services cleanly, with nothing on stderr', async () => {
    const started = Date.now();
    demo.interrupt();
    const exit = await demo.exit;
    // Each service's own bound is MM_SHUTDOWN_TIMEOUT_MS; the demo waits 10 s at most for all four.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(demo.stdout).toContain(
      'The gateway (code 0), the processor (code 0), the dashboard (code 0) and the alerter (code 0) stopped.',
    );
    expect(demo.stderr).toBe('');
  }, 60_000);
});
