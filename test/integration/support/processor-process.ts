import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT, waitFor } from '@mesh-momentum/testing';

/** The processor as production runs it: its own Node process, configured by MM_* variables. */
export class ProcessorProcess {
  readonly child: ChildProcess;
  readonly #exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output = '';

  constructor(env: Record<string, string>) {
    this.child = spawn(
      process.execPath,
      ['--conditions=@mesh-momentum/source', 'services/processor/src/main.ts'],
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

  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.#exit;
  }

  /**
   * Base URL of its health and metrics server, from its start-up log line (needs MM_LOG_LEVEL info or
   * lower; with MM_PROCESSOR_HTTP_PORT=0 this is the only way to learn the port).
   */
  async opsUrl(timeoutMs = 30_000): Promise<string> {
    return waitFor(
      () => {
        const line = this.output.split('\n').find((l) => l.includes('health and metrics server listening'));
        return line === undefined ? undefined : (JSON.parse(line) as { url: string }).url;
      },
      { what: 'the ops server address in the processor log', timeoutMs, intervalMs: 50 },
    );
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.#exit;
    clearTimeout(timer);
  }
}
