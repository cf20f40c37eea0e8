import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeMachine, plainOutput, replaceSection, type BenchmarkRun } from '../../bench/report.ts';

const page = readFileSync(new URL('../../docs/benchmarks.md', import.meta.url), 'utf8');
const run = (name: string): BenchmarkRun => ({
  name,
  command: `pnpm bench:${name}`,
  dateIso: '2026-12-06 15:00 UTC',
  machine: describeMachine(0.5),
  output: '12,345 events/s',
});

describe('docs/benchmarks.md, written by the benchmarks', () => {
  it('has a section for every benchmark, and every benchmark records its run', () => {
    for (const file of readdirSync(new URL('../../bench/', import.meta.url)).filter((f) =>
      f.endsWith('.bench.ts'),
    )) {
      const name = file.replace('.bench.ts', '');
      expect(page, name).toContain(`<!-- bench:${name}:start -->`);
      const source = readFileSync(new URL(`../../bench/${file}`, import.meta.url), 'utf8');
      expect(source, file).toContain('recordBenchmark(import.meta.url');
    }
  });

  it("replaces only the benchmark's own section, with figure, command, date and machine", () => {
    const updated = replaceSection(page, run('processor'));
    const section =
      /<!-- bench:processor:start -->([\s\S]*?)<!-- bench:processor:end -->/.exec(updated)?.[1] ?? '';
    expect(section).toContain('12,345 events/s');
    expect(section).toContain('`pnpm bench:processor`');
    expect(section).toContain('2026-12-06 15:00 UTC');
    expect(section).toMatch(/\d+ cores \(.+\), [\d.]+ GiB memory, Node v\d+/);
    expect(updated.replace(section, '')).toBe(
      page.replace(/(<!-- bench:processor:start -->)[\s\S]*?(<!-- bench:processor:end -->)/, '$1$2'),
    );
    expect(replaceSection(updated, run('processor'))).toBe(updated);
  });

  it('refuses a benchmark without a section rather than losing its figures', () => {
    expect(() => replaceSection(page, run('no-such'))).toThrow(/no <!-- bench:no-such:start -->/);
  });

  it('keeps what a reader of the terminal saw: colours dropped, progress lines at their last state', () => {
    expect(plainOutput('\u001b[32mok\u001b[39m\n  preload: 1 / 3\r  preload: 3 / 3\nend\n')).toBe(
      'ok\n  preload: 3 / 3\nend',
    );
  });
});
