import type { KafkaMessage } from 'kafkajs';
import {
  EventOutOfRangeError,
  MeshMomentumError,
  isRetriable,
  UndecodableEventError,
} from '@mesh-momentum/common';
import { schemaIdOf, toScoringEvent, validateEvent, type EventCodec } from '@mesh-momentum/events';
import type { BatchEvent } from '@mesh-momentum/store-writer';

export interface DecodedBatch {
  /** Applicable events grouped by domain, in offset order. */
  readonly byDomain: Map<string, BatchEvent[]>;
  /** Records that can never be applied, with the reason: they go to the dead-letter topic. */
  readonly rejected: { message: KafkaMessage; error: Error }[];
}

export interface DecodeOptions {
  /**
   * Events dated further ahead than this of their record's timestamp (when the producer sent them) are
   * refused (dead-lettered), ms. Judged against the record, not the clock, so a replay or a rebuild
   * decides exactly as the live processor did.
   */
  readonly maxFutureSkewMs: number;
  /** Event times the scores can represent (see `eventTimeRangeOf`); others are dead-lettered. */
  readonly timeRange: { readonly minMs: number; readonly maxMs: number };
}

/**
 * Decodes and validates one partition batch. Schema ids are fetched once for the whole batch (and
 * cached by the codec for later ones); then each record decodes synchronously. A record that cannot be
 * decoded or is invalid is rejected; a registry outage is retriable and aborts the whole batch instead,
 * so it is retried rather than dead-lettered.
 */
export async function decodeBatch(
  codec: EventCodec,
  messages: readonly KafkaMessage[],
  options: DecodeOptions,
): Promise<DecodedBatch> {
  const byDomain = new Map<string, BatchEvent[]>();
  const rejected: { message: KafkaMessage; error: Error }[] = [];

  const ids = new Set<number>();
  for (const m of messages) {
    try {
      ids.add(schemaIdOf(m.value));
    } catch {
      // Rejected below, record by record.
    }
  }
  await Promise.all(
    [...ids].map(async (id) => {
      try {
        await codec.prepareReaders([id]);
      } catch (error) {
        if (isRetriable(error)) throw error;
        // An unknown id only rejects its own records, below.
      }
    }),
  );

  for (const message of messages) {
    try {
      const schemaId = schemaIdOf(message.value);
      if (!codec.knows(schemaId)) await codec.prepareReaders([schemaId]); // throws the real reason
      const { record } = codec.decodeKnown(message.value);
      // A record without a usable timestamp (-1 in old message formats) is judged by the clock: its
      // future skew and its de-duplication period (a replay may then judge it differently).
      const stamped = Number(message.timestamp);
      const recordTimeMs = Number.isFinite(stamped) && stamped >= 0 ? stamped : Date.now();
      const event = validateEvent(record, {
        nowMs: recordTimeMs,
        maxFutureSkewMs: options.maxFutureSkewMs,
        // Judged below against the range the scores accept, with a dead-letter reason of its own.
        earliestTimeMs: Number.NEGATIVE_INFINITY,
      });
      const scoringEvent = toScoringEvent(event);
      const { timeMs } = scoringEvent;
      if (!(timeMs >= options.timeRange.minMs && timeMs <= options.timeRange.maxMs)) {
        throw new EventOutOfRangeError(timeMs, options.timeRange);
      }
      let list = byDomain.get(event.domain);
      if (!list) byDomain.set(event.domain, (list = []));
      list.push({
        offset: message.offset,
        recordTimeMs,
        dedupKey: `${event.source}|${event.id}`,
        event: scoringEvent,
      });
    } catch (error) {
      if (isRetriable(error)) throw error;
      rejected.push({
        message,
        error:
          error instanceof MeshMomentumError
            ? error
            : new UndecodableEventError(String(error), { cause: error }),
      });
    }
  }
  return { byDomain, rejected };
}
