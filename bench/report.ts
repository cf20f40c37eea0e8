import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Each benchmark writes its own section of docs/benchmarks.md, so the figures the docs show are the ones
 * a benchmark last printed, with the command, the date and the machine they came from. Importing this
 * module starts copying what the process writes to stdout; `recordBenchmark` at the end of a benchmark
 * puts that copy into the benchmark's section, between its markers, and leaves the rest of the page alone.
 * `BENCH_RECORD=0` runs a benchmark without touching the page.
 */

const DOC = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));

const printed: string[] = [];
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  printed.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
  return write(chunk, ...rest);
}) as typeof process.stdout.write;

/** Load averages (1 min) when the benchmark started: other work on the machine skews the figures. */
const loadAtStart = loadavg()[0] ?? 0;

export interface BenchmarkRun {
  /** The section's name: the script's name without `.bench.ts` (`processor` for `pnpm bench:processor`). */
  readonly name: string;
  /** The command as typed, with the arguments this run was given. */
  readonly command: string;
  readonly dateIso: string;
  readonly machine: string;
  /** What the benchmark printed, progress lines folded to their last state. */
  readonly output: string;
}

export function describeMachine(): string {
  const cores = cpus();
  const gib = (totalmem() / 2 ** 30).toFixed(1);
  return (
    `${cores.length} cores (${cores[0]?.model.trim() ?? 'unknown CPU'}), ${gib} GiB memory, ` +
    `Node ${process.version}, ${process.platform}/${process.arch}, load average ${loadAtStart.toFixed(2)} at the start`
  );
}

/** Terminal output as a reader of a file sees it: colours removed, a `\r`-rewritten line at its last state. */
export function plainOutput(raw: string): string {
  return (
    raw
      // eslint-disable-next-line no-control-regex -- ANSI colour sequences are control characters.
      .replace(/\u001b\[[0-9;]*m/g, '')
      .split('\n')
      .map((line) => line.split('\r').at(-1) ?? '')
      .join('\n')
      .trim()
  );
}

const startMarker = (name: string) => `<!-- bench:${name}:start -->`;
const endMarker = (name: string) => `<!-- bench:${name}:end -->`;

export function renderSection(run: BenchmarkRun): string {
  return [
    startMarker(run.name),
    '',
    `Last run: ${run.dateIso}, \`${run.command}\`, on ${run.machine}.`,
    '',
    '```text',
    run.output,
    '```',
    '',
    endMarker(run.name),
  ].join('\n');
}

/** The page with the run's section replaced; a page without the section's markers is an error. */
export function replaceSection(page: string, run: BenchmarkRun): string {
  const start = page.indexOf(startMarker(run.name));
  const end = page.indexOf(endMarker(run.name));
  if (start < 0 || end < start) {
    throw new Error(`docs/benchmarks.md has no ${startMarker(run.name)} … ${endMarker(run.name)} section`);
  }
  return page.slice(0, start) + renderSection(run) + page.slice(end + endMarker(run.name).length);
}

/** Writes the benchmark's section of docs/benchmarks.md from what it printed; call once, at its end. */
export function recordBenchmark(benchUrl: string): void {
  if (process.env['BENCH_RECORD'] === '0') return;
  const name = basename(fileURLToPath(benchUrl)).replace(/\.bench\.ts$/, '');
  const args = process.argv.slice(2);
  // The BENCH_* variables shape a run as much as its arguments do.
  const settings = Object.entries(process.env)
    .filter(([key]) => key.startsWith('BENCH_') && key !== 'BENCH_RECORD')
    .map(([key, value]) => `${key}=${value ?? ''}`);
  const run: BenchmarkRun = {
    name,
    command: [...settings, `pnpm bench:${name}`, ...(args.length > 0 ? ['--', ...args] : [])].join(' '),
    dateIso: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    machine: describeMachine(),
    output: plainOutput(printed.join('')),
  };
  writeFileSync(DOC, replaceSection(readFileSync(DOC, 'utf8'), run));
  write(`docs/benchmarks.md: section "${name}" written\n`);
}
