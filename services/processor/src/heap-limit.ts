import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** Whether Node runs with a heap limit already: set on its command line or in NODE_OPTIONS. */
export function hasHeapLimit(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((arg) =>
    /^--max-old-space-size(=|$)/.test(arg),
  );
}

/** The Node options that give V8 the heap sizes of the memory budget, MiB. */
export function heapFlags(sizes: { heapLimitMiB: number; semiSpaceMiB: number }): string[] {
  return [`--max-old-space-size=${sizes.heapLimitMiB}`, `--max-semi-space-size=${sizes.semiSpaceMiB}`];
}

/**
 * glibc malloc settings for the child, where its environment does not set them. The fetch responses
 * (buffers of up to the fetch size, MiB) live outside V8's heap, in malloc's memory: with glibc's
 * defaults its mmap threshold grows to the largest buffer freed (up to 32 MiB), so later responses
 * are carved from the heap arenas, whose freed memory mostly stays resident (fragmented), and each
 * thread that allocates may get an arena of its own. A fixed threshold of 128 KiB keeps every large
 * buffer in its own mapping, handed back to the kernel when freed; two arenas bound the rest.
 * bench:processor (200k events, 512 MiB budget): peak RSS 493 MB without these, 409 MB with them.
 * Ignored by other C libraries (musl).
 */
export const NATIVE_MEMORY_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: String(128 * 1024),
};

/** The environment to start the processor's Node with: `env`, plus NATIVE_MEMORY_ENV where unset. */
export function nativeMemoryEnv<E extends NodeJS.ProcessEnv>(env: E): E & Readonly<Record<string, string>> {
  return { ...NATIVE_MEMORY_ENV, ...env };
}

/**
 * Signals passed on to the child. Not SIGINT: a terminal's Ctrl-C reaches the whole foreground process
 * group, the child included, and a second SIGINT would make the service exit without its graceful stop.
 */
const FORWARDED_SIGNALS = ['SIGTERM', 'SIGHUP'] as const;

/**
 * V8 sizes its heap when Node starts, so the limit the memory budget derives cannot be set from inside:
 * unless Node already has one (NODE_OPTIONS or the command line win), this runs the same script again
 * in a child Node with the budget's `heapFlags` and malloc's NATIVE_MEMORY_ENV, passes SIGTERM and SIGHUP on, and exits as the child
 * does. Answers false when this process is the one to run the service.
 */
export function relaunchWithHeapLimit(flags: readonly string[] | undefined): boolean {
  if (flags === undefined || hasHeapLimit(process.execArgv, process.env['NODE_OPTIONS'])) return false;
  const [script, ...args] = process.argv.slice(1);
  if (script === undefined) return false;
  const child = spawn(
    process.execPath,
    [...process.execArgv, ...flags, script, ...args],
    // The IPC channel only tells the child when this process is gone (see stopWithLauncher).
    { stdio: ['inherit', 'inherit', 'inherit', 'ipc'], env: nativeMemoryEnv(process.env) },
  );
  for (const signal of FORWARDED_SIGNALS) process.on(signal, () => child.kill(signal));
  // Ctrl-C reaches the child directly; this process waits for it to stop instead of dying first.
  process.on('SIGINT', () => undefined);
  child.on('exit', (code, signal) => {
    process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0));
  });
  child.on('error', (error) => {
    console.error(`processor: could not start Node with a heap limit: ${error.message}`);
    process.exit(1);
  });
  return true;
}

/**
 * In the child: stops gracefully (as on SIGTERM) when the launcher is gone, killed without passing a
 * signal on (SIGKILL), rather than run on as an orphan nobody stops.
 */
export function stopWithLauncher(): void {
  if (!process.channel) return;
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
