import { hasHeapLimit, heapFlags, loadProcessorConfig, nativeMemoryEnv } from '@mesh-momentum/processor';
import type { MirrorStats } from '@mesh-momentum/store-writer';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ChildReport {
  readonly type: 'ready' | 'progress' | 'done' | 'stopped';
  /** Date.now() of the report. */
  readonly at: number;
  /** Date.now() when the first event was seen applied (polled every 2 ms). */
  readonly firstAt: number | undefined;
  /** Events already seen at firstAt (the first batch or batches). */
  readonly firstCount: number;
  /** Date.now() when BENCH_TARGET was reached. */
  readonly doneAt: number | undefined;
  readonly applied: number;
  readonly skipped: number;
  readonly deadLettered: number;
  readonly batches: number;
  /** Time spent inside ScoreStore.applyPartitionBatch (planning + the Redis round trip), ms. */
  readonly applyMs: number;
  /**
   * The processor's CPU (all threads) and GC pauses from the first applied event to the target (or to
   * now without one), ms; the GC figures are counted up to the report.
   */
  readonly cpu:
    | {
        readonly userMs: number;
        readonly systemMs: number;
        readonly gcPauseMs: number;
        readonly minorGcs: number;
        readonly majorGcs: number;
        /** Event-loop delay (callbacks waiting behind synchronous work), p99 and max, ms. */
        readonly loopDelayP99Ms: number;
        readonly loopDelayMaxMs: number;
      }
    | undefined;
  /** Commands sent to Redis by the processor, counted on the client, by command name. */
  readonly clientCommands: Record<string, number>;
  /** Kafka requests of the consumer by API name: count and summed duration, ms. */
  readonly kafkaRequests: Record<string, { count: number; ms: number }>;
  /** The process's memory now (process.memoryUsage(), bytes) and its peak RSS so far. */
  readonly memory: NodeJS.MemoryUsage & { readonly peakRss: number };
  /** On `done`: memory right after a full garbage collection, and what the mirrors hold. */
  readonly retained?: NodeJS.MemoryUsage;
  readonly mirror?: MirrorStats;
}

export interface ParentMessage {
  readonly type: 'stop';
}

const CHILD = fileURLToPath(new URL('./processor-child.ts', import.meta.url));

/** A processor running in a child process (see processor-child.ts). */
export class ProcessorHost {
  readonly #child: ChildProcess;
  #last: ChildReport | undefined;
  readonly #waiters: { type: ChildReport['type']; resolve: (r: ChildReport) => void }[] = [];
  readonly #exited: Promise<number | null>;

  constructor(options: {
    env: Record<string, string>;
    mode: 'batch' | 'naive';
    target?: number;
    /** Directory for a --cpu-prof profile of the child, if wanted. */
    cpuProfDir?: string | undefined;
    /** Run-time changes to the processor (see processor-child.ts), comma-separated. */
    experiments?: string | undefined;
  }) {
    const execArgv = ['--conditions=@mesh-momentum/source', '--expose-gc'];
    if (options.cpuProfDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`);
    // The heap sizes the processor's entry point starts it with (its memory budget,
    // MM_PROCESSOR_MEMORY_MB), unless NODE_OPTIONS sets a limit; each experiment replaces one of them:
    // heap-mib=N: a V8 old-space limit of N MiB; semi-mib=N: semi-spaces of N MiB.
    const heapMib = /(?:^|,)heap-mib=(\d+)/.exec(options.experiments ?? '')?.[1];
    const semiMib = /(?:^|,)semi-mib=(\d+)/.exec(options.experiments ?? '')?.[1];
    if (!hasHeapLimit([], process.env['NODE_OPTIONS']) || heapMib || semiMib) {
      const { processor } = loadProcessorConfig({ ...process.env, ...options.env });
      execArgv.push(
        ...heapFlags({
          heapLimitMiB: heapMib ? Number(heapMib) : processor.heapLimitMiB,
          semiSpaceMiB: semiMib ? Number(semiMib) : processor.semiSpaceMiB,
        }),
      );
    }
    this.#child = fork(CHILD, [], {
      execArgv,
      // Started as the processor's entry point starts it: with its malloc settings.
      env: nativeMemoryEnv({
        ...process.env,
        ...options.env,
        BENCH_MODE: options.mode,
        BENCH_TARGET: String(options.target ?? 0),
        BENCH_EXPERIMENTS: options.experiments ?? '',
      }),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#exited = new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)));
    this.#child.on('message', (report: ChildReport) => {
      this.#last = report;
      for (let i = this.#waiters.length - 1; i >= 0; i--) {
        const w = this.#waiters[i];
        if (w && w.type === report.type) {
          this.#waiters.splice(i, 1);
          w.resolve(report);
        }
      }
    });
  }

  get last(): ChildReport | undefined {
    return this.#last;
  }

  /** Whether the processor child still runs (false once it exited: a crash, out of heap). */
  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** The next report of a type; rejects if the child exits first or after `timeoutMs`. */
  next(type: ChildReport['type'], timeoutMs = 600_000): Promise<ChildReport> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`processor child: no '${type}' in ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#waiters.push({
        type,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
      void this.#exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`processor child exited (${code}) before '${type}'`));
      });
    });
  }

  /** Stops the processor (it finishes its batch and commits), waits for the process to exit. */
  async stop(): Promise<ChildReport | undefined> {
    if (this.#child.exitCode !== null) return this.#last;
    const stopped = this.next('stopped', 180_000).catch(() => undefined);
    this.#child.send({ type: 'stop' } satisfies ParentMessage);
    const report = await stopped;
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 180_000);
    await this.#exited;
    clearTimeout(timer);
    return report;
  }
}

/**
 * The processor's CPU per event from a report: user + system over all its threads, and the GC pauses
 * on its main thread, µs per event (`events`: those applied over the same span); and how long its
 * event loop was held by synchronous work.
 */
export function describeCpu(report: ChildReport, events: number): string {
  const cpu = report.cpu;
  if (cpu === undefined || events <= 0) return 'processor CPU: -';
  const perEvent = (ms: number) => ((ms * 1000) / events).toFixed(1);
  return (
    `processor CPU ${perEvent(cpu.userMs + cpu.systemMs)} µs/event (user + system, all threads), ` +
    `GC pauses ${perEvent(cpu.gcPauseMs)} µs/event (${cpu.minorGcs} minor, ${cpu.majorGcs} major); ` +
    `event-loop delay p99 ${cpu.loopDelayP99Ms.toFixed(0)} ms, max ${cpu.loopDelayMaxMs.toFixed(0)} ms`
  );
}
