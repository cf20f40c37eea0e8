import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SchemaIncompatibleError } from '@mesh-momentum/common';
import { checkCompatibility, registerAll, registryOptionsFrom, subjectOf } from '@mesh-momentum/events';
import { commandContext } from '../context.ts';
import { EXIT_CODES, type ExitCode } from '../exit-codes.ts';
import { exitCodeOf, messageOf, usage } from '../failures.ts';
import { writeJson, writeLine, type CliIo } from '../io.ts';

export interface OutputOptions {
  readonly json?: boolean;
}

/** Registers every schema of the catalogue (schemas/events) under its record-name subject. */
export async function schemasRegisterCommand(options: OutputOptions, io: CliIo): Promise<ExitCode> {
  const { config } = commandContext(io);
  try {
    const results = await registerAll(registryOptionsFrom(config));
    if (options.json) writeJson(io.stdout, { registered: results });
    else for (const r of results) writeLine(io.stdout, `${r.status.padEnd(10)} ${r.subject} (id ${r.id})`);
    return EXIT_CODES.OK;
  } catch (error) {
    if (options.json) writeJson(io.stdout, { error: messageOf(error) });
    writeLine(io.stderr, `error: ${messageOf(error)}`);
    if (error instanceof SchemaIncompatibleError) return EXIT_CODES.REFUSED;
    return exitCodeOf(error);
  }
}

/** Checks a changed or new schema file against what the registry holds for its subject. */
export async function schemasCheckCommand(
  file: string,
  options: OutputOptions,
  io: CliIo,
): Promise<ExitCode> {
  let schemaText: string;
  let subject: string;
  try {
    schemaText = await readFile(resolve(io.cwd, file), 'utf8');
    subject = subjectOf(schemaText);
  } catch (error) {
    throw usage(`cannot use ${file} as an Avro schema: ${messageOf(error)}`);
  }
  const { config } = commandContext(io);
  // subjectOf gives the fully qualified record name; the workflow takes the type (record) name.
  const type = subject.slice(subject.lastIndexOf('.') + 1);
  try {
    const result = await checkCompatibility(registryOptionsFrom(config), type, schemaText);
    if (options.json) writeJson(io.stdout, { subject, ...result });
    else if (result.compatible) writeLine(io.stdout, `compatible: ${subject}`);
    else {
      writeLine(io.stdout, `incompatible: ${subject}`);
      for (const m of result.messages) writeLine(io.stderr, `  ${m}`);
    }
    return result.compatible ? EXIT_CODES.OK : EXIT_CODES.REFUSED;
  } catch (error) {
    if (options.json) writeJson(io.stdout, { subject, error: messageOf(error) });
    writeLine(io.stderr, `error: ${messageOf(error)}`);
    return exitCodeOf(error);
  }
}
