import type { Logger } from '@mesh-momentum/common';

/** What a service does on SIGTERM/SIGINT, in order. */
export type ShutdownStep = readonly [name: string, run: () => Promise<unknown>];

export interface ShutdownOptions {
  readonly logger: Logger;
  /** Bound on the whole sequence; past it the process exits with code 1 anyway, ms. */
  readonly timeoutMs: number;
  /** Where signals come from; tests pass an EventEmitter. @defaultValue process */
  readonly signals?: Pick<NodeJS.Process, 'on'>;
  /** Ends the process. @defaultValue process.exit */
  readonly exit?: (code: number) => void;
}

/**
 * Graceful, bounded shutdown: on the first SIGTERM or SIGINT, runs the steps in order (each step's
 * failure is logged and the next still runs), then exits 0. If the steps have not finished within
 * `timeoutMs` (a dependency that never answers), logs the step it is stuck in and exits 1: an
 * orchestrator's stop must never hang. A second signal exits at once.
 */
export function installShutdown(steps: readonly ShutdownStep[], options: ShutdownOptions): void {
  const signals = options.signals ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let current: string | undefined;
  let started = false;

  const run = async (signal: string) => {
    if (started) {
      options.logger.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    started = true;
    options.logger.info({ signal, timeoutMs: options.timeoutMs }, 'shutting down');
    const timer = setTimeout(() => {
      options.logger.error(
        { step: current, timeoutMs: options.timeoutMs },
        'shutdown did not finish in time (MM_SHUTDOWN_TIMEOUT_MS); exiting anyway',
      );
      exit(1);
    }, options.timeoutMs);
    timer.unref();
    await runShutdownSteps(steps, options.logger, (name) => (current = name));
    clearTimeout(timer);
    options.logger.info('stopped');
    exit(0);
  };
  signals.on('SIGTERM', () => void run('SIGTERM'));
  signals.on('SIGINT', () => void run('SIGINT'));
}

/** Runs the steps in order; a step's failure is logged and the next still runs. */
export async function runShutdownSteps(
  steps: readonly ShutdownStep[],
  logger: Logger,
  onStep: (name: string) => void = () => undefined,
): Promise<void> {
  for (const [name, step] of steps) {
    onStep(name);
    try {
      await step();
    } catch (error) {
      logger.warn({ err: error, step: name }, 'shutdown step failed; continuing');
    }
  }
}
