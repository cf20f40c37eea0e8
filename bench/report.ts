import { cpus, totalmem } from 'node:os';

/**
 * The section a benchmark writes into docs/benchmarks.md: what it printed, the command, the date and the
 * machine, between the section's markers (bench/record.ts collects and writes it).
 */

export interface BenchmarkRun {
  /** The section's name: by default the script's name without `.bench.ts` (`processor` for `pnpm bench:processor`). */
  readonly name: string;
  /** The command as typed, with the arguments this run was given. */
  readonly command: string;
  readonly dateIso: string;
  readonly machine: string;
  /** What the benchmark printed, progress lines folded to their last state. */
  readonly output: string;
}

/** `loadAverage`: the 1-minute load average when the benchmark started. */
export function describeMachine(loadAverage: number): string {
  const cores = cpus();
  const gib = (totalmem() / 2 ** 30).toFixed(1);
  return (
    `${cores.length} cores (${cores[0]?.model.trim() ?? 'unknown CPU'}), ${gib} GiB memory, ` +
    `Node ${process.version}, ${process.platform}/${process.arch}, load average ${loadAverage.toFixed(2)} at the start`
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
