import { readFileSync } from 'node:fs';
import {
  createIdentityResolver,
  EMPTY_IDENTITY_CONFIG,
  parseIdentityConfig,
  toolSource,
  type IdentityResolver,
} from '@mesh-momentum/adapters';
import { ConfigError, type Logger } from '@mesh-momentum/common';
import { createMeshMomentumProducer } from '@mesh-momentum/sdk';
import { connectRuntimeWith } from '@mesh-momentum/service-kit';
import type { IngestConfig } from '../config.ts';
import { loadGatewayFile, type GatewayFile } from '../gateway-file.ts';
import { ingestKeys } from '../keys.ts';
import { DmmPoller } from '../workers/dmm.ts';
import { Publisher } from '../publisher.ts';
import { UnmappedRegistry } from '../unmapped.ts';
import type { ImportArgs } from './args.ts';
import { ImportCheckpoints } from './checkpoint.ts';
import { GithubHistory } from './github-history.ts';
import type { HistorySource } from './history-source.ts';
import { OpenMetadataHistory } from './openmetadata-history.ts';
import { RateLimitedHttpClient, type Wait } from './http-client.ts';
import { ProgressLine } from './progress.ts';
import { formatImportReport } from './report.ts';
import { runImport, type ImportReport } from './run-import.ts';

export interface ImportCommandDeps {
  readonly config: IngestConfig;
  /** Replaces MM_INGEST_CONFIG_FILE (tests, the demo). */
  readonly file?: GatewayFile;
  readonly logger?: Logger;
  /** ms since the epoch. @defaultValue Date.now */
  readonly clock?: () => number;
  /** Waits ms (rate limits, back-off); tests pass a simulated one. @defaultValue a timer */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Where the summary goes, line by line. @defaultValue console.log */
  readonly print?: (line: string) => void;
  /** Where the progress bar goes (drawn only on a TTY). @defaultValue process.stderr */
  readonly progressStream?: NodeJS.WriteStream;
}

function identityFrom(config: IngestConfig): IdentityResolver {
  const file = config.ingest.identityFile;
  return createIdentityResolver(
    file === undefined ? EMPTY_IDENTITY_CONFIG : parseIdentityConfig(readFileSync(file, 'utf8'), file),
  );
}

function githubSettings(file: GatewayFile) {
  const github = file.imports.github;
  if (github === undefined)
    throw new ConfigError([
      {
        field: 'MM_INGEST_CONFIG_FILE: imports.github',
        reason: 'required by pnpm ingest:import github (owner, apiUrl, token)',
      },
    ]);
  const source = github.source ?? file.github?.source;
  if (source === undefined)
    throw new ConfigError([
      {
        field: 'MM_INGEST_CONFIG_FILE: imports.github.source',
        reason: 'required without webhooks.github (the source the releases are sent from)',
      },
    ]);
  return { ...github, source: toolSource(source) };
}

function openMetadataSettings(file: GatewayFile, settings: IngestConfig['ingest']) {
  const om = file.imports.openmetadata;
  const issues = [];
  if (om === undefined)
    issues.push({
      field: 'MM_INGEST_CONFIG_FILE: imports.openmetadata',
      reason: 'required by pnpm ingest:import openmetadata (url, token)',
    });
  const source = om?.source ?? file.openmetadata?.source;
  if (om !== undefined && source === undefined)
    issues.push({
      field: 'MM_INGEST_CONFIG_FILE: imports.openmetadata.source',
      reason: 'required without webhooks.openmetadata (the source the events are sent from)',
    });
  if (settings.personIdKey === undefined)
    issues.push({
      field: 'MM_INGEST_PERSON_ID_KEY',
      reason: 'required by pnpm ingest:import openmetadata: the key that pseudonymises domain experts',
    });
  if (om === undefined || source === undefined || settings.personIdKey === undefined)
    throw new ConfigError(issues);
  return { ...om, source: toolSource(source), personIdKey: settings.personIdKey };
}

const waitText = (wait: Wait) => `${wait.reason}: waiting ${Math.ceil(wait.ms / 1_000)} s`;

/**
 * `pnpm ingest:import <tool>`: reads the tool's history with the gateway's config file and identity mapping
 * and sends it through the gateway's publisher (a dry run only reads). Returns the report it printed.
 */
export async function importHistory(args: ImportArgs, deps: ImportCommandDeps): Promise<ImportReport> {
  const { config } = deps;
  const clock = deps.clock ?? Date.now;
  const print = deps.print ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const file = deps.file ?? loadGatewayFile(config.ingest.configFile);
  const identity = identityFrom(config);
  const progress = new ProgressLine(
    deps.progressStream ?? process.stderr,
    args.tool === 'github' ? 'repositories' : 'pages',
  );
  let last = { done: 0, total: undefined as number | undefined, events: 0 };
  const onWait = (wait: Wait) => progress.update({ ...last, waiting: waitText(wait) });
  const onProgress = (state: typeof last) => progress.update((last = state));

  const github = args.tool === 'github' ? githubSettings(file) : undefined;
  const openmetadata = args.tool === 'openmetadata' ? openMetadataSettings(file, config.ingest) : undefined;
  const dmm = args.tool === 'dmm' ? file.pollers.dmm : undefined;
  if (args.tool === 'dmm' && dmm === undefined)
    throw new ConfigError([
      { field: 'MM_INGEST_CONFIG_FILE: pollers.dmm', reason: 'required by pnpm ingest:import dmm' },
    ]);
  const sourceName = (github?.source ?? openmetadata?.source ?? dmm?.source) as string;
  const token = github?.token ?? openmetadata?.token;
  const http = new RateLimitedHttpClient({
    headers: {
      ...(github === undefined
        ? {}
        : { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' }),
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    clock,
    ...(deps.sleep === undefined ? {} : { sleep: deps.sleep }),
    onWait,
  });
  /** The paged history of github or openmetadata (dmm goes through its live poller). */
  const history = (): HistorySource<unknown> => {
    if (github !== undefined)
      return new GithubHistory(
        { source: sourceName, apiUrl: github.apiUrl, owner: github.owner, sinceMs: args.sinceMs },
        { http, identity, clock },
      ) as HistorySource<unknown>;
    if (openmetadata !== undefined)
      return new OpenMetadataHistory(
        {
          source: sourceName,
          url: openmetadata.url,
          personIdKey: openmetadata.personIdKey,
          sinceMs: args.sinceMs,
        },
        { http, identity, clock },
      ) as HistorySource<unknown>;
    throw new Error(`no paged history for ${args.tool}`);
  };

  if (args.dryRun) {
    const report = await runImport({
      source: history(),
      clock,
      maxFutureSkewMs: config.maxFutureSkewMs,
      onProgress,
    });
    progress.end();
    for (const line of formatImportReport(report, sourceName)) print(line);
    return report;
  }

  const runtime = await connectRuntimeWith(
    'import',
    config,
    deps.logger === undefined ? {} : { logger: deps.logger },
  );
  const producer = createMeshMomentumProducer({
    config,
    source: 'urn:meshmomentum:ingest',
    logger: runtime.logger.child({ component: 'producer' }),
    kafka: runtime.kafka,
    codec: runtime.codec,
  });
  try {
    const keys = ingestKeys(config.redis.keyPrefix);
    const publisher = Publisher.fromConfig(producer, config, config.ingest.ackTimeoutMs);
    const unmapped = new UnmappedRegistry(runtime.redis, keys.unmapped, config.ingest.unmappedMax);
    let report: ImportReport;
    if (args.tool !== 'dmm') {
      report = await runImport({
        source: history(),
        live: {
          publisher,
          checkpoints: new ImportCheckpoints<unknown>(
            runtime.redis,
            keys.importCheckpoint(args.tool, sourceName),
          ),
          unmapped,
        },
        clock,
        maxFutureSkewMs: config.maxFutureSkewMs,
        onProgress,
      });
    } else if (dmm !== undefined) {
      report = await importDmmFeed(
        new DmmPoller(
          { source: sourceName, url: dmm.url, apiKey: dmm.apiKey },
          { redis: runtime.redis, keys, publisher, identity, unmapped, clock },
        ),
        { clock, onProgress, resumed: (await runtime.redis.get(keys.dmmCursor(sourceName))) !== null },
      );
    } else throw new Error(`no history source for ${args.tool}`);
    progress.end();
    for (const line of formatImportReport(report, sourceName)) print(line);
    return report;
  } finally {
    progress.end();
    await producer.close();
    runtime.redis.disconnect();
  }
}

/**
 * The Data Mesh Manager feed from its beginning: the live poller's own rounds until the feed is drained,
 * so the position it saves after each acknowledged page (its cursor in Redis) is where the live poller
 * goes on. Refused and unmapped items are recorded by the poller (GET /v1/admin/unmapped).
 */
async function importDmmFeed(
  poller: DmmPoller,
  options: {
    clock: () => number;
    onProgress: (s: { done: number; total: undefined; events: number }) => void;
    resumed: boolean;
  },
): Promise<ImportReport> {
  const startMs = options.clock();
  let pages = 0;
  let events = 0;
  for (;;) {
    const round = await poller.pollOnce();
    if (round.read === 0) break;
    pages += 1;
    events += round.sent;
    options.onProgress({ done: pages, total: undefined, events });
  }
  return {
    tool: 'dmm',
    dryRun: false,
    resumed: options.resumed,
    pages,
    events,
    counts: {},
    unmapped: [],
    refused: [],
    skipped: [],
    elapsedMs: options.clock() - startMs,
  };
}
