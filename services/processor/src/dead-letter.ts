import type { IHeaders, Producer } from 'kafkajs';
import { ErrorCodes, MeshMomentumError } from '@mesh-momentum/common';

/**
 * Dead-letter headers, after Spring Kafka's `kafka_dlt-*` convention (original topic, partition,
 * offset, timestamp, exception class and message), plus our stable error code so tooling can route
 * on the reason without parsing messages.
 */
export const DEAD_LETTER_HEADERS = {
  originalTopic: 'kafka_dlt-original-topic',
  originalPartition: 'kafka_dlt-original-partition',
  originalOffset: 'kafka_dlt-original-offset',
  originalTimestamp: 'kafka_dlt-original-timestamp',
  exceptionClass: 'kafka_dlt-exception-fqcn',
  exceptionMessage: 'kafka_dlt-exception-message',
  reason: 'mm_dlt-reason',
} as const;

export interface DeadLetter {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders | undefined;
  readonly error: Error;
}

export function deadLetterHeaders(letter: DeadLetter): IHeaders {
  const code = letter.error instanceof MeshMomentumError ? letter.error.code : ErrorCodes.UNEXPECTED;
  return {
    // The original headers travel along, so the record can be re-sent unchanged once fixed.
    ...letter.headers,
    [DEAD_LETTER_HEADERS.originalTopic]: letter.topic,
    [DEAD_LETTER_HEADERS.originalPartition]: String(letter.partition),
    [DEAD_LETTER_HEADERS.originalOffset]: letter.offset,
    [DEAD_LETTER_HEADERS.originalTimestamp]: letter.timestamp,
    [DEAD_LETTER_HEADERS.exceptionClass]: letter.error.name,
    [DEAD_LETTER_HEADERS.exceptionMessage]: letter.error.message.slice(0, 2000),
    [DEAD_LETTER_HEADERS.reason]: code,
  };
}

/**
 * Sends rejected records to the dead-letter topic, keeping key and value byte for byte. A failed send
 * throws: the caller must not commit past a record that is neither applied nor dead-lettered.
 */
export async function sendDeadLetters(
  producer: Producer,
  topic: string,
  letters: readonly DeadLetter[],
): Promise<void> {
  if (letters.length === 0) return;
  await producer.send({
    topic,
    acks: -1,
    messages: letters.map((l) => ({ key: l.key, value: l.value, headers: deadLetterHeaders(l) })),
  });
}
