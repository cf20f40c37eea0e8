import { MeshMomentumError } from '@mesh-momentum/common';
import { loadIngestConfig } from '../config.ts';
import { IMPORT_USAGE, parseImportArgs } from '../import/args.ts';
import { importHistory } from '../import/command.ts';

/**
 * `pnpm ingest:import <tool>`: a tool's history, back-dated, into Kafka (docs/adapters/import.md). Exit codes:
 * 0 done, 2 a command line or configuration it cannot run, 1 a failure that may pass (run it again: it
 * resumes from its checkpoint).
 */
try {
  const args = parseImportArgs(process.argv.slice(2));
  if (args === undefined) {
    console.log(IMPORT_USAGE);
  } else {
    await importHistory(args, { config: loadIngestConfig(process.env) });
  }
} catch (error) {
  const code = error instanceof MeshMomentumError ? `${error.code}: ` : '';
  console.error(`import failed: ${code}${(error as Error).message}`);
  if (error instanceof MeshMomentumError && !error.retriable) console.error(IMPORT_USAGE.split('\n')[0]);
  process.exit(error instanceof MeshMomentumError && !error.retriable ? 2 : 1);
}
