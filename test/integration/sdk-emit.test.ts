import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { createLogger, ErrorCodes, type Config, type Logger } from '@mesh-momentum/common';
import {
  CE_HEADERS,
  EVENT_TYPES,
  EventCodec,
  RegistryClient,
  fromKafkaHeaders,
  registryOptionsFrom,
  type EventType,
} from '@mesh-momentum/events';
import { createKafka, ensureTopics } from '@mesh-momentum/kafka';
import { createMeshMomentumProducer, type DeliveryReport } from '@mesh-momentum/sdk';
import { isolatedConfig, waitFor } from '@mesh-momentum/testing';
import { sampleInputs } from '../fixtures/sample-events.ts';

/**
 * The SDK against real Kafka and the registry: every event type round-trips (Avro value, key, CloudEvents
 * headers), close() loses nothing, and a tiny queue in 'fail' mode pushes back with its error code.
 */
describe('SDK producer → Kafka', () => {
  let config: Config;
  let logger: Logger;
  let kafka: Kafka;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    config = isolatedConfig(inject('services'), { name: 'sdk' });
    logger = createLogger({ name: 'test', level: config.logLevel });
    kafka = createKafka(config.kafka, { logger });
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, { ...config.topics });
    await admin.disconnect();
  });

  afterAll(async () => {
    for (const c of consumers) await c.disconnect();
  });

  /** Reads the whole events topic from the start into `received`, in a fresh consumer group. */
  async function readTopic(name: string): Promise<KafkaMessage[]> {
    const received: KafkaMessage[] = [];
    const consumer = kafka.consumer({ groupId: `${config.kafka.clientId}-${name}` });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: config.topics.events, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push(message);
      },
    });
    return received;
  }

  it('emits every event type; a consumer decodes each with equal fields and CloudEvents headers', async () => {
    const received = await readTopic('all-types');
    const producer = createMeshMomentumProducer({ config, logger, source: 'urn:meshmomentum:sdk-test' });
    const inputs = sampleInputs(3, Date.now() - 60_000);
    const reports: DeliveryReport[] = await Promise.all(
      EVENT_TYPES.map((type) => producer.emit(type, inputs[type] as never)),
    );
    // The typed methods go the same way.
    const typed = await producer.championGained({ domain: 'typed', personId: 'p-typed', role: 'sponsor' });
    // No source given: the producer's.
    expect(typed.event.source).toBe('urn:meshmomentum:sdk-test');
    reports.push(typed);
    await producer.close();
    expect(reports.every((r) => r.sent)).toBe(true);

    await waitFor(() => (received.length >= reports.length ? true : undefined), {
      what: `${reports.length} records on the topic`,
    });
    const codec = new EventCodec(new RegistryClient(registryOptionsFrom(config)));
    const byId = new Map(reports.map((r) => [r.event.id, r.event]));
    const seenTypes = new Set<string>();
    for (const message of received) {
      const decoded = await codec.decode(message.value);
      const sent = byId.get(String(decoded.record['id']));
      expect(sent, `record ${String(decoded.record['id'])} was emitted`).toBeDefined();
      expect(decoded.type).toBe(sent?.type);
      expect(decoded.record).toEqual({ ...sent });
      expect(message.key?.toString()).toBe(sent?.domain);
      const attributes = fromKafkaHeaders(message.headers);
      expect(attributes).toMatchObject({
        specversion: '1.0',
        id: sent?.id,
        source: sent?.source,
        type: sent?.type,
        time: sent?.time,
        subject: sent?.subject,
      });
      expect(message.headers?.[CE_HEADERS.contentType]?.toString()).toBe('application/avro');
      seenTypes.add(decoded.type);
    }
    expect([...seenTypes].sort()).toEqual([...EVENT_TYPES].sort());
    expect(received).toHaveLength(reports.length);
  });

  it('close() with many pending events loses none', async () => {
    const counted = await readTopic('close');
    const producer = createMeshMomentumProducer({
      config,
      logger,
      maxQueuedEvents: 500,
      maxBatchSize: 200,
      lingerMs: 1_000,
    });
    const total = 3_000;
    const now = Date.now() - 60_000;
    const deliveries: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      const type = EVENT_TYPES[i % EVENT_TYPES.length] as EventType;
      const input = { ...sampleInputs(1_000 + i, now)[type], id: `close-${i}` };
      // enqueue: waits for a slot when 500 are outstanding; the delivery promise is kept.
      const delivery = await producer.enqueue(type, input as never);
      deliveries.push(delivery.delivered);
    }
    await producer.close();
    const settled = await Promise.allSettled(deliveries);
    expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
    expect(producer.stats).toMatchObject({ enqueued: total, delivered: total, failed: 0 });

    const closeIds = () =>
      counted.map((m) => m.headers?.[CE_HEADERS.id]?.toString()).filter((id) => id?.startsWith('close-'));
    const ids = await waitFor(
      () => {
        const ids = new Set(closeIds());
        return ids.size >= total ? ids : undefined;
      },
      { what: `${total} records of the close test`, timeoutMs: 30_000 },
    );
    expect(ids.size).toBe(total);
    // Idempotent producer: no duplicates either.
    expect(closeIds()).toHaveLength(total);
  });

  it("back-pressure: a tiny queue in 'fail' mode rejects with MM_ERR_PRODUCER_QUEUE_FULL", async () => {
    const producer = createMeshMomentumProducer({
      config,
      logger,
      maxQueuedEvents: 5,
      whenQueueFull: 'fail',
      lingerMs: 200,
    });
    const now = Date.now() - 60_000;
    const attempts = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        producer.emit('ChampionGained', sampleInputs(i, now).ChampionGained),
      ),
    );
    const rejected = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    const fulfilled = attempts.filter((a) => a.status === 'fulfilled');
    expect(fulfilled.length).toBe(5);
    expect(rejected.length).toBe(15);
    for (const r of rejected) {
      expect(r.reason).toMatchObject({ code: ErrorCodes.PRODUCER_QUEUE_FULL, retriable: true });
    }
    // Once the queue drained, the producer accepts again.
    await expect(
      producer.emit('ChampionGained', sampleInputs(99, now).ChampionGained),
    ).resolves.toMatchObject({ sent: true });
    await producer.close();
  });
});
