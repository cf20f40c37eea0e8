import { describe, expect, it } from 'vitest';
import kafkajs from 'kafkajs';
import { isRetriableSendError } from './transport.ts';

const { KafkaJSNonRetriableError, KafkaJSProtocolError } = kafkajs;

/** kafkajs' wrapper when a cause is kept (`cause`), as the SDK may receive it. */
function wrapped(cause: Error): Error {
  return Object.assign(new KafkaJSNonRetriableError(cause.message), { cause });
}

/** A protocol error as kafkajs builds it from a broker's error code (type, code, retriable). */
function protocolError(type: string, retriable: boolean): Error {
  const error = new KafkaJSProtocolError(`broker said ${type}`);
  return Object.assign(error, { type, retriable });
}

describe('isRetriableSendError', () => {
  it('calls OUT_OF_ORDER_SEQUENCE_NUMBER retriable: the transport sends the next batch with a new producer id', () => {
    // As the SDK receives it: kafkajs' retrier gives up at once and rejects with the protocol error.
    const refused = protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER', false);
    expect(isRetriableSendError(refused)).toBe(true);
    expect(isRetriableSendError(wrapped(refused))).toBe(true);
  });

  it('keeps NOT_ENOUGH_REPLICAS retriable and a refusal for good final', () => {
    expect(isRetriableSendError(protocolError('NOT_ENOUGH_REPLICAS', true))).toBe(true);
    const refused = protocolError('TOPIC_AUTHORIZATION_FAILED', false);
    expect(isRetriableSendError(refused)).toBe(false);
    expect(isRetriableSendError(wrapped(refused))).toBe(false);
  });
});
