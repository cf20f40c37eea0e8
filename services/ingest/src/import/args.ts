import { parseArgs } from 'node:util';
import { ImportArgumentError } from './errors.ts';

/** Tools `pnpm ingest:import` reads the history of. */
export const IMPORT_TOOLS = ['github', 'openmetadata', 'dmm'] as const;
export type ImportTool = (typeof IMPORT_TOOLS)[number];

export interface ImportArgs {
  readonly tool: ImportTool;
  /** Events before this are left out, ms since the epoch (not for dmm). */
  readonly sinceMs: number | undefined;
  readonly dryRun: boolean;
}

export const IMPORT_USAGE = `usage: pnpm ingest:import <tool> [--since <date>] [--dry-run]
       pnpm ingest:import --help

Reads a tool's history, back-dated, through the gateway's adapters and identity mapping
(MM_INGEST_CONFIG_FILE, MM_INGEST_IDENTITY_FILE) and sends it to Kafka. Resumes from its checkpoint
after an interruption; running it again counts nothing twice. docs/adapters/import.md has the details.

tools:
  github   releases of the mapped repositories of imports.github.owner; archived repositories retired
  openmetadata  data products and their versions (publications), domain experts (champions)
  dmm      the Data Mesh Manager / Entropy Data event feed from its beginning (pollers.dmm); the live
           poller goes on from where it ends

options:
  --since <date>   leave out what happened before this date (RFC 3339 or YYYY-MM-DD, UTC; not for dmm)
  --dry-run        send nothing: print the events per type and domain, and the unmapped entities (not for dmm)
  --help           this text`;

/** `undefined` for --help; throws ImportArgumentError naming the argument otherwise. */
export function parseImportArgs(argv: readonly string[]): ImportArgs | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        since: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new ImportArgumentError('arguments', (error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;
  if (positionals.length !== 1)
    throw new ImportArgumentError(
      'tool',
      `expected one of ${IMPORT_TOOLS.join(', ')}, got ${positionals.length} words`,
    );
  const tool = positionals[0] as string;
  if (!(IMPORT_TOOLS as readonly string[]).includes(tool))
    throw new ImportArgumentError('tool', `${JSON.stringify(tool)} is not one of ${IMPORT_TOOLS.join(', ')}`);
  let sinceMs: number | undefined;
  if (values.since !== undefined) {
    sinceMs = /^\d{4}-\d{2}-\d{2}(T.+(Z|[+-]\d{2}:\d{2}))?$/.test(values.since)
      ? Date.parse(values.since)
      : NaN;
    if (Number.isNaN(sinceMs))
      throw new ImportArgumentError(
        '--since',
        `${JSON.stringify(values.since)} is not a date (2025-01-31 or RFC 3339)`,
      );
  }
  if (tool === 'dmm' && (sinceMs !== undefined || values['dry-run']))
    throw new ImportArgumentError(
      sinceMs !== undefined ? '--since' : '--dry-run',
      'not available for dmm: the feed is read from its beginning with the live poller’s position',
    );
  return { tool: tool as ImportTool, sinceMs, dryRun: values['dry-run'] };
}
