import { spawn, type ChildProcess } from 'node:child_process';
import { heapFlags, loadProcessorConfig, nativeMemoryEnv } from '@mesh-momentum/processor';
import { REPO_ROOT, waitFor } from '@mesh-momentum/testing';

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A service as production runs it: its own Node process, configured by MM_* variables. */
export class ServiceProcess {
  readonly child: ChildProcess;
  readonly #exit: Promise<ProcessExit>;
  output = '';

  /** Prints the end of what the service wrote, for a test that failed while it ran. */
  reportOutputIfFailed(context: { task: { result?: { state?: string } } }): void {
    if (context.task.result?.state !== 'fail') return;
    console.error(`service output (last 6000 chars):\n${this.output.slice(-6_000)}`);
  }

  /**
   * `entry`: the service's (or CLI's) main module, relative to the repository root; `args` follow it;
   * `nodeArgs` go to Node before it.
   */
  constructor(
    entry: string,
    env: Record<string, string>,
    args: readonly string[] = [],
    nodeArgs: readonly string[] = [],
  ) {
    this.child = spawn(
      process.execPath,
      [...nodeArgs, '--conditions=@mesh-momentum/source', entry, ...args],
      {
        cwd: REPO_ROOT,
        env: { PATH: process.env['PATH'] ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString('utf8');
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.#exit = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  exited(): Promise<ProcessExit> {
    return this.#exit;
  }

  /**
   * The `url` field of the first JSON log line whose message contains `message` (needs MM_LOG_LEVEL info
   * or lower; with port 0 this is the only way to learn the port).
   */
  async urlFromLog(message: string, timeoutMs = 30_000): Promise<string> {
    return waitFor(
      () => {
        const line = this.output.split('\n').find((l) => l.includes(message));
        return line === undefined ? undefined : (JSON.parse(line) as { url: string }).url;
      },
      { what: `"${message}" in the service's log`, timeoutMs, intervalMs: 50 },
    );
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 15_000): Promise<ProcessExit> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const exit = await this.#exit;
    clearTimeout(timer);
    return exit;
  }
}

/**
 * The processor in its own process, started as its entry point's launcher starts its child (the memory
 * budget's heap flags and malloc settings), so that it runs the service itself rather than relaunching
 * it: a signal a test sends (SIGKILL above all) reaches the process that holds the partitions. The
 * launcher itself is covered by heap-limit.test.ts and the image's smoke test.
 */
export class ProcessorProcess extends ServiceProcess {
  constructor(env: Record<string, string>) {
    super('services/processor/src/main.ts', nativeMemoryEnv(env), [], budgetHeapFlags(env));
  }

  /** Base URL of its health and metrics server. */
  opsUrl(timeoutMs?: number): Promise<string> {
    return this.urlFromLog('health and metrics server listening', timeoutMs);
  }
}

/** The budget's heap flags; none for a configuration the processor refuses (it reports that itself). */
function budgetHeapFlags(env: Record<string, string>): string[] {
  try {
    return heapFlags(loadProcessorConfig(env).processor);
  } catch {
    return [];
  }
}

/** The alerter in its own process. */
export class AlerterProcess extends ServiceProcess {
  constructor(env: Record<string, string>) {
    super('services/alerter/src/main.ts', env);
  }

  /** Base URL of its HTTP server. */
  url(timeoutMs?: number): Promise<string> {
    return this.urlFromLog('alerter listening', timeoutMs);
  }
}
