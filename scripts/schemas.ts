/**
 * Schema registry workflow from the command line (registry from MM_SCHEMA_REGISTRY_URL and
 * MM_SCHEMA_REGISTRY_USERNAME / _PASSWORD, as every service reads it):
 *
 *   pnpm schemas:register                 register every schemas/events/*.avsc (FULL_TRANSITIVE)
 *   pnpm schemas:check <file.avsc>...     check changed schemas against what is registered
 *
 * Exit codes: 0 all fine, 1 a schema is incompatible, 2 usage or registry error.
 */
import { readFileSync } from 'node:fs';
import { loadConfig, MeshMomentumError, SchemaIncompatibleError } from '@mesh-momentum/common';
import {
  checkSubjectCompatibility,
  registerAll,
  registryOptionsFrom,
  subjectOf,
} from '@mesh-momentum/events';
import { commandLine } from '@mesh-momentum/service-kit';

const USAGE = 'usage: schemas.ts register | check <file.avsc>...';

const REGISTRY = 'The registry is MM_SCHEMA_REGISTRY_URL (with MM_SCHEMA_REGISTRY_USERNAME / _PASSWORD).';

/** `--help` and unknown flags, per subcommand (`pnpm schemas:register` runs `schemas.ts register`). */
function parseArguments(command: string | undefined, rest: readonly string[]): readonly string[] {
  if (command === 'register') {
    return commandLine(
      {
        name: 'schemas:register',
        synopsis: '',
        description: `Registers every schemas/events/*.avsc (compatibility FULL_TRANSITIVE).\n${REGISTRY}`,
      },
      rest,
    ).positionals;
  }
  if (command === 'check') {
    return commandLine(
      {
        name: 'schemas:check',
        synopsis: '<file.avsc>...',
        description: `Checks changed schemas against what is registered; exit 1 when one is incompatible.\n${REGISTRY}`,
        positionals: { min: 1, max: Number.POSITIVE_INFINITY },
      },
      rest,
    ).positionals;
  }
  return rest;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const files = parseArguments(command, rest);
  const options = registryOptionsFrom(loadConfig(process.env));
  if (command === 'register' && files.length === 0) {
    for (const r of await registerAll(options)) {
      console.log(`${r.status.padEnd(10)} ${r.subject} (id ${r.id})`);
    }
    return 0;
  }
  if (command === 'check' && files.length > 0) {
    let incompatible = 0;
    for (const file of files) {
      const schemaText = readFileSync(file, 'utf8');
      const subject = subjectOf(schemaText);
      const result = await checkSubjectCompatibility(options, subject, schemaText);
      console.log(`${result.compatible ? 'compatible' : 'INCOMPATIBLE'} ${file} (${subject})`);
      for (const message of result.messages) console.log(`  - ${message}`);
      if (!result.compatible) incompatible += 1;
    }
    return incompatible > 0 ? 1 : 0;
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof SchemaIncompatibleError) {
      console.error(`${error.code}: ${error.subject} is not compatible:`);
      for (const message of error.messages) console.error(`  - ${message}`);
      process.exitCode = 1;
    } else {
      console.error(error instanceof MeshMomentumError ? `${error.code}: ${error.message}` : error);
      process.exitCode = 2;
    }
  },
);
