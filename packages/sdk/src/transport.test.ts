import { describe, expect, it } from 'vitest';
import kafkajs, { type Kafka, type Producer } from 'kafkajs';
import { createLogger, loadConfig } from '@mesh-momentum/common';
import { isRetriableSendError, KafkaTransport, needsNewProducer } from './transport.ts';

const { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSProtocolError } = kafkajs;

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

/**
 * A kafkajs client whose producers fail their sends with the queued errors, one each, and count how
 * many producers were created: the transport's renewal is observed without a broker, because a real
 * one cannot be made to answer each of these errors on demand.
 */
class ScriptedKafka {
  producersCreated = 0;
  readonly failures: Error[] = [];
  /** Errors the next producers' connect() fails with, one each. */
  readonly connectFailures: Error[] = [];

  producer(): Producer {
    this.producersCreated++;
    const connectFailure = this.connectFailures.shift();
    return {
      connect: async () => {
        if (connectFailure) throw connectFailure;
      },
      disconnect: async () => undefined,
      send: async () => {
        const failure = this.failures.shift();
        if (failure) throw failure;
        return [];
      },
    } as unknown as Producer;
  }
}

function transportOver(kafka: ScriptedKafka): KafkaTransport {
  return new KafkaTransport(kafka as unknown as Kafka, {
    sendRetries: 0,
    requestTimeoutMs: 1_000,
    kafkaConfig: loadConfig({}).kafka,
    logger: createLogger({ name: 'test', level: 'silent' }),
  });
}

const record = { key: 'payments', value: Buffer.from([0, 0, 0, 0, 7]), headers: {} };

/** Sends one batch that fails with `error`, then one that succeeds; returns the producers created. */
async function producersAfterFailure(error: Error): Promise<number> {
  const kafka = new ScriptedKafka();
  const transport = transportOver(kafka);
  kafka.failures.push(error);
  await expect(transport.send('unit.events', [record])).rejects.toBeDefined();
  await transport.send('unit.events', [record]);
  return kafka.producersCreated;
}

describe('KafkaTransport producer renewal', () => {
  it('sends with a new producer after an outage or a refusal of the producer state', async () => {
    expect(await producersAfterFailure(new KafkaJSConnectionError('connection closed'))).toBe(2);
    expect(await producersAfterFailure(protocolError('NOT_LEADER_FOR_PARTITION', true))).toBe(2);
    for (const type of ['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH']) {
      expect(await producersAfterFailure(wrapped(protocolError(type, false)))).toBe(2);
    }
  });

  it('keeps the producer after a refusal of the data or of the client', async () => {
    expect(await producersAfterFailure(wrapped(protocolError('MESSAGE_TOO_LARGE', false)))).toBe(1);
    expect(await producersAfterFailure(protocolError('RECORD_LIST_TOO_LARGE', false))).toBe(1);
    expect(await producersAfterFailure(wrapped(protocolError('TOPIC_AUTHORIZATION_FAILED', false)))).toBe(1);
    expect(await producersAfterFailure(protocolError('INVALID_RECORD', false))).toBe(1);
  });

  it('renews once: the send after the renewed one keeps its producer', async () => {
    const kafka = new ScriptedKafka();
    const transport = transportOver(kafka);
    kafka.failures.push(new KafkaJSConnectionError('connection closed'));
    await expect(transport.send('unit.events', [record])).rejects.toBeDefined();
    await transport.send('unit.events', [record]);
    await transport.send('unit.events', [record]);
    expect(kafka.producersCreated).toBe(2);
  });

  it("renews again when the renewal's connect failed, whatever the reason", async () => {
    const kafka = new ScriptedKafka();
    const transport = transportOver(kafka);
    kafka.failures.push(new KafkaJSConnectionError('connection closed'));
    await expect(transport.send('unit.events', [record])).rejects.toThrow('connection closed');
    // The renewed producer cannot connect for a reason that alone needs no new producer (an ACL).
    kafka.connectFailures.push(wrapped(protocolError('CLUSTER_AUTHORIZATION_FAILED', false)));
    await expect(transport.send('unit.events', [record])).rejects.toMatchObject({
      code: 'MM_ERR_KAFKA_NOT_AUTHORIZED',
    });
    await transport.send('unit.events', [record]);
    expect(kafka.producersCreated).toBe(3);
  });
});

describe('needsNewProducer', () => {
  it('is false for a too-large refusal even inside a retriable wrapper', () => {
    const tooLarge = protocolError('MESSAGE_TOO_LARGE', false);
    const aggregate = Object.assign(new Error('several partitions failed'), {
      retriable: true,
      errors: [tooLarge],
    });
    expect(needsNewProducer(aggregate)).toBe(false);
    expect(needsNewProducer(protocolError('REQUEST_TIMED_OUT', true))).toBe(true);
  });
});
