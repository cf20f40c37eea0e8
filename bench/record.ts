import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine, plainOutput, replaceSection, type BenchmarkRun } from './report.ts';

/**
 * Each benchmark writes its own section of docs/benchmarks.md, so the figures the docs show are the ones
 * a benchmark last printed, with the command, the date and the machine they came from. Importing this
 * module starts copying what the process writes to stdout; `recordBenchmark` at the end of a benchmark
 * puts that copy into the benchmark's section and leaves the rest of the page alone.
 * `BENCH_RECORD=0` runs a benchmark without touching the page.
 */

const DOC = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));

const printed: string[] = [];
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  printed.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
  return write(chunk, ...rest);
}) as typeof process.stdout.write;

/** Other work on the machine skews the figures: its load when the benchmark started is part of the record. */
const loadAtStart = loadavg()[0] ?? 0;

export interface RecordOptions {
  /**
   * The page's section to write, when a benchmark keeps one per variant (the latency benchmark's rates
   * have goals of their own); by default the benchmark's name.
   */
  readonly section?: string;
}

/** Writes the benchmark's section of docs/benchmarks.md from what it printed; call once, at its end. */
export function recordBenchmark(benchUrl: string, options: RecordOptions = {}): void {
  if (process.env['BENCH_RECORD'] === '0') return;
  const bench = basename(fileURLToPath(benchUrl)).replace(/\.bench\.ts$/, '');
  const name = options.section ?? bench;
  const args = process.argv.slice(2);
  // The BENCH_* variables shape a run as much as its arguments do.
  const settings = Object.entries(process.env)
    .filter(([key]) => key.startsWith('BENCH_') && key !== 'BENCH_RECORD')
    .map(([key, value]) => `${key}=${value ?? ''}`);
  const run: BenchmarkRun = {
    name,
    command: [...settings, `pnpm bench:${bench}`, ...(args.length > 0 ? ['--', ...args] : [])].join(' '),
    dateIso: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    machine: describeMachine(loadAtStart),
    output: plainOutput(printed.join('')),
  };
  writeFileSync(DOC, replaceSection(readFileSync(DOC, 'utf8'), run));
  write(`docs/benchmarks.md: section "${name}" written\n`);
}
