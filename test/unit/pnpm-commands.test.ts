import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { markdownFiles, ROOT } from './docs-markdown.ts';

/**
 * Every `pnpm X` a README or doc shows must do what it says when a newcomer types it. pnpm runs its own
 * built-in command when one has the name, and a script of ours only otherwise: `pnpm rebuild` ran
 * pnpm's "rebuild a package" (exit 0, nothing replayed) instead of our script of that name. So a
 * documented `pnpm X` must be a script of the root package.json that no built-in shadows, or one of
 * the few built-ins the docs use for what they are.
 */

/** Built-ins the docs may show, and why they do what the docs say. */
const DOCUMENTED_BUILTINS: Readonly<Record<string, string>> = {
  install: 'installs the workspace',
  i: 'installs the workspace',
  exec: 'runs a binary of node_modules/.bin',
  add: 'adds a dependency',
  dlx: 'runs a package binary without installing it',
};

/** Built-ins that run the root package's script of the same name (checked like any script). */
const SCRIPT_RUNNING_BUILTINS = new Set(['test', 't', 'start', 'run']);

/**
 * Commands `pnpm help --all` does not list but pnpm still takes over (pnpm 10): a script with one of
 * these names would be shadowed too.
 */
const UNLISTED_BUILTINS = ['help', 'setup', 'completion', 'server', 'recursive', 'multi', 'm', 'x'];

const scripts = new Set(
  Object.keys(
    (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
      .scripts,
  ),
);

/** pnpm's built-in command names and aliases, from the pinned pnpm itself. */
function pnpmBuiltins(): Set<string> {
  // Under `pnpm test:unit`, npm_execpath is pnpm's own script; elsewhere pnpm is on PATH (toolchain.sh).
  // Under `npx vitest` it is npm's, whose help is not pnpm's.
  const execPath = process.env['npm_execpath'];
  const [file, args] =
    execPath && /pnpm[^/]*\.[cm]?js$/.test(execPath)
      ? [process.execPath, [execPath, 'help', '--all']]
      : ['pnpm', ['help', '--all']];
  const help = execFileSync(file, args, { cwd: ROOT, encoding: 'utf8' });
  const commands = help.slice(0, help.indexOf('\nOptions:'));
  const names = new Set(UNLISTED_BUILTINS);
  // "  rb, rebuild              Rebuild a package" and "      store add            Adds ...".
  for (const match of commands.matchAll(/^ {2,6}(?:([a-z-]+), )?([a-z-]+)(?: [a-z-]+)? {2,}\S/gm)) {
    if (match[1]) names.add(match[1]);
    names.add(match[2] as string);
  }
  return names;
}

/** `pnpm …` command lines shown as code: in fenced blocks and inline code spans (prose is left alone). */
export function pnpmCommandsIn(markdown: string): string[][] {
  const code = [
    ...[...markdown.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1] as string),
    ...[...markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1] as string),
  ];
  return code.flatMap((text) =>
    [...text.matchAll(/(?:^|[\s;&|(])pnpm((?: +[^\s;&|#)]+)+)/gm)].map((m) =>
      (m[1] as string).trim().split(/ +/),
    ),
  );
}

/** Why the command would not do what the docs say, or undefined when it does. */
function problemOf(args: readonly string[], builtins: ReadonlySet<string>): string | undefined {
  const [command, next] = args;
  if (command === undefined || command.startsWith('-')) return undefined;
  if (command in DOCUMENTED_BUILTINS) return undefined;
  if (SCRIPT_RUNNING_BUILTINS.has(command)) {
    const script = command === 'run' ? next : command === 't' ? 'test' : command;
    return script !== undefined && scripts.has(script) ? undefined : `runs no script of ours (${script})`;
  }
  if (builtins.has(command)) return `pnpm's built-in "${command}" runs, not a script of ours`;
  return scripts.has(command)
    ? undefined
    : 'is neither a script of the root package.json nor a pnpm built-in';
}

describe('pnpm commands shown in the docs', () => {
  const builtins = pnpmBuiltins();

  it('knows pnpm built-ins (the list comes from pnpm help --all)', () => {
    for (const name of ['install', 'exec', 'rebuild', 'rb', 'store', 'test'])
      expect(builtins).toContain(name);
  });

  it('finds the commands the README and the getting-started pages show', () => {
    const shown = ['README.md', 'docs/getting-started.md', 'docs/processor.md'].flatMap((doc) =>
      pnpmCommandsIn(readFileSync(join(ROOT, doc), 'utf8')).map((args) => args[0]),
    );
    expect(shown).toEqual(expect.arrayContaining(['test', 'processor', 'scores:rebuild', 'cli', 'infra:up']));
  });

  it('every documented `pnpm X` runs a script of ours or a built-in that does what the docs say', () => {
    const problems: string[] = [];
    for (const file of markdownFiles().map((f) => join(ROOT, f))) {
      for (const args of pnpmCommandsIn(readFileSync(file, 'utf8'))) {
        const problem = problemOf(args, builtins);
        if (problem) problems.push(`${relative(ROOT, file)}: pnpm ${args.join(' ')}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('no script of ours is shadowed by a built-in (pnpm X would not run it)', () => {
    const shadowed = [...scripts].filter((s) => builtins.has(s) && !SCRIPT_RUNNING_BUILTINS.has(s));
    expect(shadowed).toEqual([]);
  });

  it('refuses a README line that runs a built-in instead of our script', () => {
    const [args] = pnpmCommandsIn('```sh\npnpm rebuild        # replay the topic\n```\n');
    expect(args).toEqual(['rebuild']);
    expect(problemOf(args ?? [], builtins)).toMatch(/built-in "rebuild"/);
    expect(problemOf(['run', 'no-such-script'], builtins)).toMatch(/runs no script of ours/);
    expect(problemOf(['processor'], builtins)).toBeUndefined();
  });
});
