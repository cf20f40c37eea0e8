import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { ErrorCodes, EventTooLargeError, type FieldIssue } from '@mesh-momentum/common';
import { EVENT_TYPES, isEventType, type EventType } from '@mesh-momentum/events';
import { createMeshMomentumProducer, type EmitInput, type MeshMomentumProducer } from '@mesh-momentum/sdk';
import { commandContext } from '../context.ts';
import { EXIT_CODES, type ExitCode } from '../exit-codes.ts';
import { exitCodeOf, isInputError, issuesOf, messageOf, usage } from '../failures.ts';
import { parseFieldArgs } from '../field-args.ts';
import { writeJson, writeLine, type CliIo } from '../io.ts';
import { readLines } from '../lines.ts';
import { MAX_LINE_BYTES, parseNdjsonLine } from '../ndjson.ts';

export interface EmitOptions {
  readonly data?: string;
  readonly file?: string;
  readonly source?: string;
  readonly dryRun?: boolean;
  readonly json?: boolean;
}

/** CloudEvents `source` of events the CLI sends without one. */
export const CLI_SOURCE = 'urn:meshmomentum:cli';

/** Refusals kept in detail for the report; beyond that only counted, so a bad huge file stays cheap. */
export const MAX_REPORTED_REFUSALS = 1_000;

export interface Refusal {
  readonly line: number;
  readonly code: string;
  readonly reason: string;
  readonly issues: readonly FieldIssue[];
}

export interface BulkSummary {
  readonly sent: number;
  readonly refused: number;
  /** Accepted but not acknowledged by Kafka (counted in `refused` too). */
  readonly failed: number;
  readonly refusals: readonly Refusal[];
}

function requireType(type: string | undefined): EventType {
  if (type === undefined)
    throw usage(`an event type is required (one of ${EVENT_TYPES.join(', ')}), or --file`);
  if (!isEventType(type))
    throw usage(`unknown event type ${JSON.stringify(type)} (one of ${EVENT_TYPES.join(', ')})`);
  return type;
}

function parseData(data: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (error) {
    throw usage(`--data is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw usage('--data must be a JSON object');
  }
  return value as Record<string, unknown>;
}

export async function emitCommand(
  type: string | undefined,
  fieldTokens: readonly string[],
  options: EmitOptions,
  io: CliIo,
): Promise<ExitCode> {
  if (options.file !== undefined) {
    if (type !== undefined || fieldTokens.length > 0 || options.data !== undefined) {
      throw usage('--file takes the event types and fields from the file; give no type, fields or --data');
    }
    return emitFile(options.file, options, io);
  }
  const eventType = requireType(type);
  const parsed = parseFieldArgs(eventType, fieldTokens);
  if (parsed.problems.length > 0) throw usage(parsed.problems.join('; '));
  const input = { ...(options.data === undefined ? {} : parseData(options.data)), ...parsed.fields };
  if ('type' in input && input['type'] !== eventType) {
    throw usage(`--data names type ${JSON.stringify(input['type'])}, the command ${eventType}`);
  }
  delete input['type'];

  const producer = openProducer(options, io);
  try {
    if (!options.dryRun) await producer.connect();
    const report = await producer.emit(eventType, input as EmitInput<EventType>);
    if (options.json) writeJson(io.stdout, { sent: report.sent, topic: report.topic, event: report.event });
    else
      writeLine(
        io.stdout,
        report.sent
          ? `sent ${report.event.type} ${report.event.id} (domain ${report.event.domain}) to ${report.topic}`
          : `valid ${report.event.type} ${report.event.id} (dry run: not sent)`,
      );
    return EXIT_CODES.OK;
  } catch (error) {
    if (options.json) {
      writeJson(io.stdout, {
        sent: false,
        code: codeOf(error),
        reason: messageOf(error),
        issues: issuesOf(error),
      });
    }
    if (isInputError(error)) {
      for (const issue of issuesOf(error)) writeLine(io.stderr, `refused: ${issue.field}: ${issue.reason}`);
      return EXIT_CODES.REFUSED;
    }
    writeLine(io.stderr, `error: ${messageOf(error)}`);
    return exitCodeOf(error);
  } finally {
    await producer.close().catch(() => {});
  }
}

function openProducer(options: EmitOptions, io: CliIo): MeshMomentumProducer {
  const { config, logger } = commandContext(io);
  return createMeshMomentumProducer({
    config,
    logger,
    source: options.source ?? CLI_SOURCE,
    validateOnly: options.dryRun ?? false,
    // A bulk load is a throughput job: larger batches, a little linger.
    maxBatchSize: 2_000,
    lingerMs: 10,
  });
}

function codeOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String(error.code)
    : 'MM_ERR_UNKNOWN';
}

/**
 * Bulk load: one event per line. Bad lines are refused with their line number and reasons; good lines
 * are sent regardless. `enqueue` is awaited per line, so the bounded queue paces reading the file.
 */
async function emitFile(file: string, options: EmitOptions, io: CliIo): Promise<ExitCode> {
  const fromStdin = file === '-';
  const path = resolve(io.cwd, file);
  let totalBytes = 0;
  if (!fromStdin) {
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new Error('not a regular file');
      totalBytes = info.size;
    } catch (error) {
      throw usage(`cannot read --file ${file}: ${(error as Error).message}`);
    }
  }

  const producer = openProducer(options, io);
  const refusals: Refusal[] = [];
  let refused = 0;
  let failed = 0;
  let sent = 0;
  let infrastructureError: unknown;
  const refuse = (refusal: Refusal) => {
    refused++;
    if (refusals.length < MAX_REPORTED_REFUSALS) refusals.push(refusal);
  };

  const bar =
    io.stderr.isTTY && !options.json && !fromStdin
      ? new cliProgress.SingleBar(
          {
            stream: io.stderr as NodeJS.WritableStream as NodeJS.WriteStream,
            format: '{bar} {percentage}% | line {line} | sent {sent} | refused {refused}',
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  bar?.start(totalBytes, 0, { line: 0, sent: 0, refused: 0 });

  let lineNo = 0;
  let bytesRead = 0;
  try {
    if (!options.dryRun) await producer.connect();
    const lines = readLines(fromStdin ? io.stdin : createReadStream(path), MAX_LINE_BYTES);
    for await (const line of lines) {
      lineNo++;
      bytesRead += line.bytes;
      if (bar && lineNo % 500 === 0) bar.update(bytesRead, { line: lineNo, sent, refused });
      if (line.kind !== 'text') {
        const reason =
          line.kind === 'too-long'
            ? `line longer than ${MAX_LINE_BYTES} bytes`
            : 'not valid UTF-8: save the file as UTF-8 (bytes are never replaced, the line is refused)';
        refuse({ line: lineNo, code: ErrorCodes.EVENT_INVALID, reason, issues: [] });
        continue;
      }
      const parsed = parseNdjsonLine(line.text);
      if (parsed.kind === 'skip') continue;
      if (parsed.kind === 'bad') {
        refuse({ line: lineNo, code: ErrorCodes.EVENT_INVALID, reason: parsed.reason, issues: [] });
        continue;
      }
      const at = lineNo;
      try {
        const delivery = await producer.enqueue(
          parsed.type as EventType,
          parsed.input as EmitInput<EventType>,
        );
        delivery.delivered.then(
          () => sent++,
          (error: unknown) => {
            // Too large for the topic is the line's fault, like an invalid field: not an outage.
            if (error instanceof EventTooLargeError) {
              refuse({ line: at, code: error.code, reason: error.message, issues: issuesOf(error) });
              return;
            }
            failed++;
            infrastructureError ??= error;
            refuse({ line: at, code: codeOf(error), reason: messageOf(error), issues: [] });
          },
        );
      } catch (error) {
        if (!isInputError(error)) throw error;
        refuse({ line: at, code: error.code, reason: error.message, issues: issuesOf(error) });
      }
    }
    await producer.close();
  } catch (error) {
    bar?.stop();
    await producer.close().catch(() => {});
    writeLine(io.stderr, `error at line ${lineNo}: ${messageOf(error)}`);
    if (options.json) writeJson(io.stdout, { sent, refused, failed, aborted: messageOf(error), refusals });
    return exitCodeOf(error);
  }
  bar?.update(totalBytes, { line: lineNo, sent, refused });
  bar?.stop();
  // Delivery callbacks of the last batch run after close() resolved; let them.
  await new Promise((r) => setImmediate(r));

  const summary: BulkSummary = { sent, refused, failed, refusals };
  reportSummary(summary, options, io);
  if (infrastructureError !== undefined) return EXIT_CODES.UNREACHABLE;
  return refused > 0 ? EXIT_CODES.REFUSED : EXIT_CODES.OK;
}

function reportSummary(summary: BulkSummary, options: EmitOptions, io: CliIo): void {
  if (options.json) {
    writeJson(io.stdout, summary);
    return;
  }
  for (const r of summary.refusals) {
    const detail = r.issues.length > 0 ? r.issues.map((i) => `${i.field}: ${i.reason}`).join('; ') : r.reason;
    writeLine(io.stderr, `line ${r.line}: ${detail}`);
  }
  if (summary.refused > summary.refusals.length) {
    writeLine(io.stderr, `... and ${summary.refused - summary.refusals.length} more refused lines`);
  }
  // In a dry run `sent` counts the events that would have been sent.
  writeLine(io.stdout, `${options.dryRun ? 'valid' : 'sent'} ${summary.sent}, refused ${summary.refused}`);
}
