import { Command, CommanderError } from 'commander';
import { EVENT_TYPES } from '@mesh-momentum/events';
import { emitCommand, type EmitOptions } from './commands/emit.ts';
import { schemasCheckCommand, schemasRegisterCommand, type OutputOptions } from './commands/schemas.ts';
import { topicsCreateCommand } from './commands/topics.ts';
import { EXIT_CODES, EXIT_CODES_HELP, type ExitCode } from './exit-codes.ts';
import { exitCodeOf, messageOf } from './failures.ts';
import { writeLine, type CliIo } from './io.ts';

const EMIT_EXAMPLES = `
Examples:
  mesh-momentum emit ChampionGained --domain payments --personId p-7f3a --role champion
  mesh-momentum emit UseCaseDelivered --domain payments --useCaseId uc-1 --productIds payments.orders,payments.refunds \\
      --risk low --estimatedAnnualValue 125000.00 --currency EUR
  mesh-momentum emit StakeholderEngaged --data '{"domain":"payments","kind":"demo","audienceSize":40}'
  mesh-momentum emit --file events.ndjson          # one {"type": ..., ...} object per line; - reads stdin

Event types: ${EVENT_TYPES.join(', ')}.
id (UUIDv7), time (now) and subject are filled in when left out; time takes epoch ms or RFC 3339.`;

/**
 * Builds the command tree. A fresh one per run (commander keeps parse state); actions store their
 * exit code instead of calling process.exit, so tests run the CLI in-process.
 */
export function buildProgram(io: CliIo, setExitCode: (code: ExitCode) => void): Command {
  const program = new Command('mesh-momentum')
    .description('Emit Mesh Momentum domain events, manage their schemas and topics.')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);

  program
    .command('emit')
    .description('Validate, encode and send one event, or every line of an NDJSON file.')
    .argument('[type]', 'event type, e.g. ChampionGained (not with --file)')
    .argument('[fields...]', 'event fields as --name value pairs, e.g. --domain payments')
    .allowUnknownOption()
    .option('--data <json>', 'the event fields as one JSON object (flags override its fields)')
    .option('--file <path>', 'bulk: NDJSON file, one event object with its "type" per line; - for stdin')
    .option('--source <uri>', 'CloudEvents source of events that do not name one', 'urn:meshmomentum:cli')
    .option('--dry-run', 'validate and encode only, send nothing (the registry is still asked for ids)')
    .option('--json', 'machine-readable result on stdout')
    .addHelpText('after', EMIT_EXAMPLES + EXIT_CODES_HELP)
    .action(async (type: string | undefined, fields: string[], options: EmitOptions) => {
      setExitCode(await emitCommand(type, fields, options, io));
    });

  const schemas = program
    .command('schemas')
    .description('Register and check the Avro schemas of the event catalogue.')
    .addHelpText('after', EXIT_CODES_HELP);
  schemas
    .command('register')
    .description('Register every schema of schemas/events under its record-name subject (FULL_TRANSITIVE).')
    .option('--json', 'machine-readable result on stdout')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (options: OutputOptions) => {
      setExitCode(await schemasRegisterCommand(options, io));
    });
  schemas
    .command('check')
    .description('Check a changed or new schema file against the registered versions of its subject.')
    .argument('<file.avsc>', 'Avro schema file')
    .option('--json', 'machine-readable result on stdout')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (file: string, options: OutputOptions) => {
      setExitCode(await schemasCheckCommand(file, options, io));
    });

  program
    .command('topics')
    .description('Manage the Kafka topics of Mesh Momentum.')
    .addHelpText('after', EXIT_CODES_HELP)
    .command('create')
    .description('Create the events and dead-letter topics (MM_TOPIC_*) that do not exist yet.')
    .option('--json', 'machine-readable result on stdout')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (options: OutputOptions) => {
      setExitCode(await topicsCreateCommand(options, io));
    });

  return program;
}

/** Runs the CLI on `args` (without node and script path) and returns the exit code. */
export async function run(args: readonly string[], io: CliIo): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT_CODES.OK;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync([...args], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with code 0; every other parse problem is a usage error.
      return error.exitCode === 0 ? EXIT_CODES.OK : EXIT_CODES.USAGE;
    }
    writeLine(io.stderr, `error: ${messageOf(error)}`);
    return exitCodeOf(error);
  }
}
