import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

/**
 * One command line for every `pnpm <command>` the project ships: `--help`/`-h` prints the usage and
 * exits 0 before anything is connected or changed, and an unknown option or a surplus argument is
 * refused with the usage and exit code 2, never ignored (a command that ignores its arguments turns
 * `--help` into a real run). Parsing is node's own `util.parseArgs`, in strict mode.
 */
export interface CommandSpec<O extends ParseArgsOptionsConfig> {
  /** The command as typed after `pnpm`, e.g. `scores:rebuild`. */
  readonly name: string;
  /** The arguments part of the usage line, e.g. `[--yes]` or `<token id>`; one per form of the command. */
  readonly synopsis: string | readonly string[];
  /** What the command does, and what else configures it (environment variables). */
  readonly description: string;
  /** `--flag` lines of the help, one per option, in the order shown. */
  readonly optionHelp?: readonly string[];
  readonly options?: O;
  /** Positional arguments accepted, at least and at most. @defaultValue 0 and 0 */
  readonly positionals?: { readonly min?: number; readonly max: number };
}

export type CommandLine<O extends ParseArgsOptionsConfig> =
  | { readonly kind: 'run'; readonly values: ParsedValues<O>; readonly positionals: readonly string[] }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'usage-error'; readonly text: string };

type ParsedValues<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ options: O; strict: true }>
>['values'];

export function usageOf(spec: CommandSpec<ParseArgsOptionsConfig>): string {
  const forms = typeof spec.synopsis === 'string' ? [spec.synopsis] : spec.synopsis;
  return forms
    .map((form, i) => `${i === 0 ? 'usage:' : '      '} pnpm ${spec.name} ${form}`.trimEnd())
    .join('\n');
}

function helpOf(spec: CommandSpec<ParseArgsOptionsConfig>): string {
  const options = [...(spec.optionHelp ?? []), '-h, --help   print this help and exit'];
  return [usageOf(spec), '', spec.description, '', 'options:', ...options.map((o) => `  ${o}`), ''].join(
    '\n',
  );
}

/** Reads `argv` against `spec` (pure: what to do, and the text to print). */
export function parseCommandLine<O extends ParseArgsOptionsConfig>(
  spec: CommandSpec<O>,
  argv: readonly string[],
): CommandLine<O> {
  const generic = spec as unknown as CommandSpec<ParseArgsOptionsConfig>;
  // `pnpm <command> -- --flag` passes the separator on; it stands for nothing here.
  if (argv[0] === '--') argv = argv.slice(1);
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help', text: helpOf(generic) };
  const refuse = (reason: string): CommandLine<O> => ({
    kind: 'usage-error',
    text: `${spec.name}: ${reason}\n${usageOf(generic)}\n(pnpm ${spec.name} --help for more)`,
  });
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: spec.options ?? ({} as O),
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    return refuse((error as Error).message);
  }
  const { min = 0, max } = spec.positionals ?? { max: 0 };
  if (parsed.positionals.length > max) {
    return refuse(`unexpected argument ${JSON.stringify(parsed.positionals[max])}`);
  }
  if (parsed.positionals.length < min) return refuse('missing argument');
  return { kind: 'run', values: parsed.values as ParsedValues<O>, positionals: parsed.positionals };
}

/** `parseCommandLine` on the process's arguments: prints and exits for help (0) and usage errors (2). */
export function commandLine<O extends ParseArgsOptionsConfig>(
  spec: CommandSpec<O>,
  argv: readonly string[] = process.argv.slice(2),
): { readonly values: ParsedValues<O>; readonly positionals: readonly string[] } {
  const line = parseCommandLine(spec, argv);
  if (line.kind === 'help') {
    process.stdout.write(line.text);
    process.exit(0);
  }
  if (line.kind === 'usage-error') {
    process.stderr.write(`${line.text}\n`);
    process.exit(2);
  }
  return line;
}
