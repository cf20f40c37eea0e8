import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderConfigTable } from '@mesh-momentum/common';
import { CONFIG_SECTIONS } from '../../scripts/config-sections.ts';
import {
  EXAMPLE,
  fencedBlocks,
  ILLUSTRATIVE,
  inlineCommands,
  markdownFiles,
  readDoc,
  ROOT,
  SHELL_LANGS,
  shellCommands,
  splitCommand,
  type ShellCommand,
} from './docs-markdown.ts';

/**
 * Every shell command the docs show, checked the way it would fail a newcomer who types it: a `pnpm X`
 * names a script of ours, each `--flag` is one the command's own `--help` lists (or, for a benchmark,
 * one it reads), every `MM_*` variable set in front of it exists, every file it names is in the
 * repository, and every port it names is one of the project's. A block that only illustrates is marked
 * `<!-- illustrative: why -->` on the line before it and is left out, with its reason. What the
 * read-only commands print is checked against the demo's data by test/integration/docs-commands.test.ts.
 */

const scripts = (JSON.parse(readDoc('package.json')) as { scripts: Record<string, string> }).scripts;

/** Variables scripts, infrastructure and tests own (docs/configuration.md leaves them to them). */
const SCRIPT_NAMESPACES = /^MM_(LOCAL_|TEST_|NODE_|FUZZ_|CACHE_DIR$)/;

const configVariables = new Set(
  [...renderConfigTable(CONFIG_SECTIONS).matchAll(/`(MM_[A-Z0-9_]+)`/g)].map((m) => m[1] as string),
);

/** The ports the project's services and infrastructure listen on by default. */
function projectPorts(): Set<number> {
  const texts = [
    renderConfigTable(CONFIG_SECTIONS),
    readDoc('infra/local/local-infra.sh'),
    readDoc('docker-compose.yml'),
    readDoc('scripts/demo-alerts.ts'),
    readDoc('scripts/demo.ts'),
  ];
  const ports = new Set<number>();
  for (const text of texts) {
    for (const m of text.matchAll(/(?:127\.0\.0\.1|localhost|PORT:-|PORT', |`)(\d{4,5})\b/g))
      ports.add(Number(m[1]));
    for (const m of text.matchAll(/^\s*- '?"?(\d{4,5}):/gm)) ports.add(Number(m[1]));
  }
  // The local Redis Cluster and Kafka cluster (infra/README.md): 17001-17003, 29092-29094.
  for (const base of [17000, 29091]) for (let i = 1; i <= 3; i++) ports.add(base + i);
  return ports;
}
const PORTS = projectPorts();

/** Help text per command path (`cli emit`), from the command itself, run once. */
const helpCache = new Map<string, { status: number | null; text: string }>();
function helpOf(script: string, positionals: readonly string[]) {
  const key = [script, ...positionals].join(' ');
  const cached = helpCache.get(key);
  if (cached) return cached;
  const [, ...nodeArgs] = (scripts[script] as string).split(' ');
  const run = spawnSync(process.execPath, [...nodeArgs, ...positionals, '--help'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
    // Nothing reachable: --help must not need it.
    env: { ...process.env, MM_KAFKA_BROKERS: '127.0.0.1:1', MM_REDIS_URL: 'redis://127.0.0.1:1' },
  });
  const result = { status: run.status, text: `${run.stdout}${run.stderr}` };
  helpCache.set(key, result);
  return result;
}

/** The options a benchmark reads (`numberArg('events', …)`): benchmarks take flags but have no --help. */
function benchFlags(file: string): Set<string> {
  const source = readFileSync(join(ROOT, file), 'utf8');
  return new Set(
    [...source.matchAll(/(?:number|string|flag)Arg\(\s*'([\w-]+)'/g)].map((m) => m[1] as string),
  );
}

/** Field names of an event type, from its Avro schema (`pnpm cli emit <Type> --field value`). */
function eventFields(type: string): Set<string> | undefined {
  const file = join(ROOT, 'schemas/events', `${type}.avsc`);
  if (!existsSync(file)) return undefined;
  const schema = JSON.parse(readFileSync(file, 'utf8')) as { fields: { name: string }[] };
  return new Set(schema.fields.map((f) => f.name));
}

const flagsIn = (words: readonly string[]) =>
  words.filter((w) => /^--[a-z]/i.test(w)).map((w) => w.slice(2).split('=')[0] as string);

/** Problems of one `pnpm …` command. */
function pnpmProblems(args: readonly string[]): string[] {
  const [script, ...rest] = args;
  if (script === undefined || ['install', 'i', 'exec', 'dlx', 'add'].includes(script)) return [];
  if (!(script in scripts)) return [`pnpm ${script}: no such script in package.json`];
  const command = scripts[script] as string;
  const file = /^node (?:--\S+ )*(\S+\.ts)/.exec(command)?.[1];
  if (file === undefined) {
    const flags = flagsIn(rest);
    return flags.length === 0
      ? []
      : [`pnpm ${script}: runs no command of ours that could take --${flags[0]}`];
  }
  if (file.startsWith('bench/')) {
    const known = benchFlags(file);
    return flagsIn(rest)
      .filter((f) => !known.has(f))
      .map((f) => `pnpm ${script}: the benchmark reads no --${f}`);
  }
  const firstFlag = rest.findIndex((w) => w.startsWith('-'));
  const positionals = (firstFlag < 0 ? rest : rest.slice(0, firstFlag)).filter((w) => !/[<$]/.test(w));
  // The CLI (commander) has a help per subcommand; every other command one help for all its forms.
  const helpPath = script === 'cli' ? positionals.filter((w) => /^[a-z]+$/.test(w)).slice(0, 2) : [];
  const help = helpOf(script, helpPath);
  if (help.status !== 0) return [`pnpm ${[script, ...helpPath].join(' ')} --help: exit ${help.status}`];
  const fields =
    script === 'cli' && positionals[0] === 'emit' ? eventFields(positionals[1] ?? '') : undefined;
  return flagsIn(rest)
    .filter((f) => f !== '' && !new RegExp(`--${f}\\b`).test(help.text) && !fields?.has(f))
    .map((f) => `pnpm ${[script, ...positionals].join(' ')}: --${f} is not in its --help`);
}

/** Problems of the ports and files a command names. */
function argumentProblems(words: readonly string[]): string[] {
  const problems: string[] = [];
  const program = words[0];
  for (const [i, word] of words.entries()) {
    for (const m of word.matchAll(/(?:127\.0\.0\.1|localhost):(\d+)/g)) {
      if (!PORTS.has(Number(m[1]))) problems.push(`port ${m[1]} is not one of the project's`);
    }
    if (program === 'redis-cli' && word === '-p' && !PORTS.has(Number(words[i + 1]))) {
      problems.push(`redis-cli -p ${words[i + 1]}: not the project's Redis`);
    }
    const looksLikePath =
      word.includes('/') && !/^[-/~]|:\/\/|[$<>*{}=:@\s]/.test(word) && !word.startsWith('application/');
    if (looksLikePath && !existsSync(join(ROOT, word)))
      problems.push(`${word}: no such file in the repository`);
  }
  if (program === 'redis-cli') {
    if (!words.some((w) => ['-p', '-u', '-h', '--cluster'].includes(w)))
      problems.push("redis-cli on its default port 6379, not the project's Redis");
    if (words.some((w) => /:v\d+:/.test(w)))
      problems.push('a key with a fixed namespace: read it from <prefix>:namespace');
  }
  return problems;
}

/** Every problem of one command line as written in a doc. */
export function commandProblems(text: string): string[] {
  // NAME=$(inner): the inner command is what runs.
  const substitution = /^[A-Za-z_]\w*=\$\((.*)\)$/.exec(text);
  if (substitution) return commandProblems(substitution[1] as string);
  const problems: string[] = [];
  for (let words of splitCommand(text)) {
    while (words.length > 0 && /^[A-Za-z_]\w*=/.test(words[0] as string)) {
      const name = (words[0] as string).split('=')[0] as string;
      if (name.startsWith('MM_') && !configVariables.has(name) && !SCRIPT_NAMESPACES.test(name)) {
        problems.push(`${name}: no such configuration variable`);
      }
      words = words.slice(1);
    }
    if (words[0] === 'pnpm') problems.push(...pnpmProblems(words.slice(1)));
    problems.push(...argumentProblems(words));
  }
  return problems;
}

describe('commands shown in the docs', () => {
  const files = markdownFiles();
  const commands: ShellCommand[] = files.flatMap((file) => [
    ...shellCommands(file, readDoc(file)),
    ...inlineCommands(file, readDoc(file)),
  ]);

  it('finds the commands of the README and the docs', () => {
    const texts = commands.map((c) => c.text);
    expect(texts).toContain('bash scripts/demo.sh');
    expect(texts).toContain('pnpm cli emit --file examples/events.ndjson');
    expect(commands.some((c) => c.text.startsWith('redis-cli -p 16379'))).toBe(true);
    expect(commands.length).toBeGreaterThan(50);
  });

  it('every command names a real script, flags its --help lists, variables, files and ports that exist', () => {
    const problems = commands.flatMap((c) =>
      commandProblems(c.text).map((p) => `${c.file}:${c.line}: ${c.text}\n    ${p}`),
    );
    expect(problems).toEqual([]);
  }, 240_000);

  it('says why each block it leaves out only illustrates', () => {
    const skipped = files.flatMap((file) =>
      fencedBlocks(readDoc(file))
        .filter((b) => SHELL_LANGS.has(b.lang) && b.marker?.startsWith('illustrative'))
        .map((b) => ({ file, line: b.line, reason: ILLUSTRATIVE.exec(b.marker ?? '')?.[1] })),
    );
    expect(skipped.filter((s) => s.reason === undefined)).toEqual([]);
  });

  it('shows each example file exactly as committed', () => {
    const examples = files.flatMap((file) =>
      fencedBlocks(readDoc(file)).flatMap((b) => {
        const path = EXAMPLE.exec(b.marker ?? '')?.[1];
        return path === undefined ? [] : [{ file, path, body: b.body }];
      }),
    );
    expect(examples.map((e) => e.path)).toContain('examples/first-event.ts');
    for (const e of examples) expect(`${e.body}\n`, `${e.file} shows ${e.path}`).toBe(readDoc(e.path));
  });

  it('refuses what a newcomer would trip over', () => {
    expect(commandProblems('pnpm rebuild-scores')).toEqual([
      'pnpm rebuild-scores: no such script in package.json',
    ]);
    expect(commandProblems('pnpm alerter:pause remove --colour x')).toEqual([
      'pnpm alerter:pause remove: --colour is not in its --help',
    ]);
    expect(
      commandProblems('pnpm cli emit ChampionGained --domain payments --personId p-1 --role champion'),
    ).toEqual([]);
    expect(commandProblems('pnpm cli emit ChampionGained --colour blue')).toEqual([
      'pnpm cli emit ChampionGained: --colour is not in its --help',
    ]);
    expect(commandProblems('redis-cli HGETALL "mm:v1:{payments}:score:domain"')).toEqual([
      "redis-cli on its default port 6379, not the project's Redis",
      'a key with a fixed namespace: read it from <prefix>:namespace',
    ]);
    expect(commandProblems('NS=$(redis-cli -p 6379 GET mm:namespace)')).toEqual([
      "redis-cli -p 6379: not the project's Redis",
    ]);
    expect(commandProblems('MM_REDIS_PREFIX=x pnpm dashboard')).toEqual([
      'MM_REDIS_PREFIX: no such configuration variable',
    ]);
    expect(commandProblems('pnpm cli emit --file events.ndjson')).toEqual([]);
    expect(commandProblems('pnpm cli emit --file examples/missing.ndjson')).toEqual([
      'examples/missing.ndjson: no such file in the repository',
    ]);
    expect(commandProblems('curl -s http://127.0.0.1:9999/api/overview')).toEqual([
      "port 9999 is not one of the project's",
    ]);
    expect(commandProblems('pnpm bench:processor -- --events 1000 --turbo')).toEqual([
      'pnpm bench:processor: the benchmark reads no --turbo',
    ]);
  }, 120_000);
});
