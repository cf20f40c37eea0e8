import type { KafkaMessage } from 'kafkajs';
import { MeshMomentumError, isRetriable, UndecodableEventError } from '@mesh-momentum/common';
import { unframe, type EventCodec } from '@mesh-momentum/events';
import type { EventToApply } from '@mesh-momentum/store';

export interface DecodedBatch {
  /** Applicable events grouped by domain, in offset order. */
  readonly byDomain: Map<string, EventToApply[]>;
  /** Records that can never be applied, with the reason. */
  readonly rejected: { message: KafkaMessage; error: Error }[];
}

/**
 * Decodes one partition batch. Schema ids are fetched once for the whole batch (and cached by the
 * codec for later ones); then each record decodes synchronously. A record that cannot be decoded is
 * rejected; a registry outage is retriable and aborts the whole batch instead, so it is retried.
 */
export async function decodeBatch(
  codec: EventCodec,
  messages: readonly KafkaMessage[],
): Promise<DecodedBatch> {
  const byDomain = new Map<string, EventToApply[]>();
  const rejected: { message: KafkaMessage; error: Error }[] = [];

  const ids = new Set<number>();
  for (const m of messages) {
    try {
      ids.add(unframe(m.value).schemaId);
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
        // An unknown id only rejects its own records.
      }
    }),
  );

  for (const message of messages) {
    try {
      const { schemaId } = unframe(message.value);
      if (!codec.knows(schemaId)) {
        await codec.prepareReaders([schemaId]); // rethrows the real reason (unknown schema, not an event)
      }
      const { type, record } = codec.decodeKnown(message.value);
      const domain = record['domain'];
      const id = record['id'];
      const source = record['source'];
      if (typeof domain !== 'string' || typeof id !== 'string' || typeof source !== 'string') {
        throw new UndecodableEventError(`${type} record lacks a string domain, id or source`);
      }
      let list = byDomain.get(domain);
      if (!list) byDomain.set(domain, (list = []));
      list.push({ offset: message.offset, dedupKey: `${source}|${id}`, type });
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
