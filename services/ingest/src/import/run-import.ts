import type { ToolName, UnmappedEntity } from '@mesh-momentum/adapters';
import { validateEvent, type EventInput } from '@mesh-momentum/events';
import type { Publisher } from '../publisher.ts';
import { publishSkippingRefused } from '../workers/refusals.ts';
import { refusal, type UnmappedRegistry } from '../unmapped.ts';
import type { ImportCheckpoints } from './checkpoint.ts';
import type { HistorySource, ImportItem } from './history-source.ts';
import type { ProgressState } from './progress.ts';

export interface ImportReport {
  readonly tool: ToolName;
  readonly dryRun: boolean;
  /** True when the import went on from a saved checkpoint. */
  readonly resumed: boolean;
  readonly pages: number;
  /** Events Kafka acknowledged (dry run: events that would be sent). */
  readonly events: number;
  /** Events by type, then domain. */
  readonly counts: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Tool entities the identity mapping does not resolve. */
  readonly unmapped: readonly UnmappedEntity[];
  /** Items refused for good: a payload the adapter cannot read, an event validation refuses. */
  readonly refused: readonly UnmappedEntity[];
  /** Items left out on purpose, with why (a draft, a pre-release, before --since). */
  readonly skipped: readonly { readonly ref: string; readonly reason: string }[];
  readonly elapsedMs: number;
}

export interface ImportRun<C> {
  readonly source: HistorySource<C>;
  /** Absent: a dry run (nothing sent, no checkpoint, nothing recorded). */
  readonly live?: {
    readonly publisher: Publisher;
    readonly checkpoints: ImportCheckpoints<C>;
    readonly unmapped: UnmappedRegistry;
  };
  /** ms since the epoch. */
  readonly clock: () => number;
  /** For a dry run's validation: the accepted clock skew, ms (MM_MAX_FUTURE_SKEW_MS). */
  readonly maxFutureSkewMs: number;
  readonly onProgress?: (state: ProgressState) => void;
}

/**
 * Reads a tool's history page by page and sends each page through the gateway's publisher (validation,
 * the SDK producer, acks=all); once Kafka acknowledged a page its checkpoint is saved, so a restart goes
 * on after the last acknowledged page (a page sent but not yet saved is sent again with the same ids,
 * which the processor counts once). The checkpoint is deleted when the history is complete. Unmapped
 * entities and refused items are listed in the report and recorded with the gateway's unmapped ones
 * (GET /v1/admin/unmapped); a failure that may pass (Kafka, Redis, the tool) ends the import, to be run again.
 */
export async function runImport<C>(run: ImportRun<C>): Promise<ImportReport> {
  const startMs = run.clock();
  const { source, live } = run;
  const from = live === undefined ? undefined : await live.checkpoints.load();
  const counts: Record<string, Record<string, number>> = {};
  const unmapped: UnmappedEntity[] = [];
  const refused: UnmappedEntity[] = [];
  const skipped: { ref: string; reason: string }[] = [];
  let pages = 0;
  let events = 0;
  for await (const page of source.pages(from)) {
    const toSend: EventInput[] = [];
    const pageRefused: UnmappedEntity[] = [];
    const pageUnmapped: UnmappedEntity[] = [...page.unmapped];
    for (const item of page.items)
      collect(source.tool, item, { toSend, refused: pageRefused, skipped, unmapped: pageUnmapped });
    unmapped.push(...pageUnmapped);
    let sent: readonly EventInput[];
    if (live === undefined) {
      sent = toSend.filter((event) => {
        try {
          validateEvent(event as Record<string, unknown>, {
            nowMs: run.clock(),
            maxFutureSkewMs: run.maxFutureSkewMs,
          });
          return true;
        } catch (error) {
          pageRefused.push(refusal(source.tool, event.id ?? '?', error));
          return false;
        }
      });
    } else {
      const published = await publishSkippingRefused(live.publisher, source.tool, toSend);
      const refusedIds = new Set(published.refused.map((r) => r.ref));
      sent = toSend.filter((e) => !refusedIds.has(e.id ?? ''));
      pageRefused.push(...published.refused);
      await live.unmapped.record([...pageUnmapped, ...pageRefused], run.clock());
      if (page.checkpoint !== undefined) await live.checkpoints.save(page.checkpoint);
    }
    for (const event of sent) {
      const byDomain = (counts[event.type] ??= {});
      byDomain[event.domain] = (byDomain[event.domain] ?? 0) + 1;
    }
    refused.push(...pageRefused);
    events += sent.length;
    pages += 1;
    run.onProgress?.({ done: page.done, total: source.total, events });
  }
  if (live !== undefined) await live.checkpoints.clear();
  return {
    tool: source.tool,
    dryRun: live === undefined,
    resumed: from !== undefined,
    pages,
    events,
    counts,
    unmapped,
    refused,
    skipped,
    elapsedMs: run.clock() - startMs,
  };
}

/** Sorts one item into what to send, what is refused, left out or unmapped. */
function collect(
  tool: ToolName,
  item: ImportItem,
  into: {
    toSend: EventInput[];
    refused: UnmappedEntity[];
    skipped: { ref: string; reason: string }[];
    unmapped: UnmappedEntity[];
  },
): void {
  const { toSend, refused, skipped, unmapped } = into;
  if ('skipped' in item) {
    skipped.push({ ref: item.ref, reason: item.skipped });
  } else if ('error' in item) {
    refused.push(refusal(tool, item.ref, item.error));
  } else {
    toSend.push(...item.outcome.events);
    unmapped.push(...item.outcome.unmapped);
    const why = item.outcome.ignored;
    if (item.outcome.events.length === 0 && why !== undefined && item.outcome.unmapped.length === 0)
      skipped.push({ ref: item.ref, reason: `${why.code}: ${why.detail}` });
  }
}
