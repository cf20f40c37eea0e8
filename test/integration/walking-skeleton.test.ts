import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import type { Kafka, Producer } from 'kafkajs';
import { createLogger } from '@mesh-momentum/common';
import { EventCodec, RegistryClient, registryOptionsFrom } from '@mesh-momentum/events';
import { createKafka, ensureTopics } from '@mesh-momentum/kafka';
import { Processor, DEAD_LETTER_HEADERS, type ProcessorConfig } from '@mesh-momentum/processor';
import { domainRef, MomentumReader } from '@mesh-momentum/store';
import { DEFAULT_SCORING_CONFIG } from '@mesh-momentum/scoring';
import { waitFor } from '@mesh-momentum/testing';
import { processorConfig } from './support/pipeline.ts';
import { scoreOf } from './support/scores.ts';

/**
 * One event the whole way on real services: Avro-encoded against the registry, produced to Kafka,
 * consumed by the processor's consumer group, applied in Redis. Fails if any stage is broken.
 */
describe('walking skeleton: producer → Kafka → processor → Redis', () => {
  let config: ProcessorConfig;
  let kafka: Kafka;
  let producer: Producer;
  let redis: Redis;
  let codec: EventCodec;
  let processor: Processor;
  let reader: MomentumReader;

  beforeAll(async () => {
    config = processorConfig(inject('services'), { name: 'skeleton' });
    const logger = createLogger({ name: 'test', level: config.logLevel });
    kafka = createKafka(config.kafka, { logger });
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, { ...config.topics });
    await admin.disconnect();
    producer = kafka.producer({ idempotent: true });
    await producer.connect();
    redis = new Redis(config.redis.url);
    codec = new EventCodec(new RegistryClient(registryOptionsFrom(config)));
    processor = new Processor({
      config,
      scoring: DEFAULT_SCORING_CONFIG,
      kafka,
      redis,
      codec,
      logger,
      namespace: 'v1',
    });
    await redis.set(`${config.redis.keyPrefix}:namespace`, 'v1');
    reader = new MomentumReader(redis, { prefix: config.redis.keyPrefix });
    await processor.start();
  });

  afterAll(async () => {
    await processor?.stop();
    await producer?.disconnect();
    const leftovers = await redis.keys(`${config.redis.keyPrefix}:*`);
    if (leftovers.length > 0) await redis.del(...leftovers);
    redis?.disconnect();
  });

  const championGained = (id: string, personId: string) => ({
    id,
    source: 'urn:meshmomentum:test',
    type: 'ChampionGained',
    time: Date.parse('2026-11-01T10:00:00Z'),
    subject: personId,
    domain: 'payments',
    personId,
    role: 'champion',
  });

  it('applies a ChampionGained event to Redis exactly once, even when it is sent twice', async () => {
    const first = await codec.encode('ChampionGained', championGained('evt-1', 'p-1'));
    const second = await codec.encode('ChampionGained', championGained('evt-2', 'p-2'));
    // evt-1 twice: a producer retry that reached Kafka at a new offset must still count once.
    await producer.send({
      topic: config.topics.events,
      messages: [first, first, second].map((value) => ({ key: 'payments', value })),
    });

    const score = await waitFor(
      async () => {
        const s = await scoreOf(reader, domainRef('payments'));
        return processor.stats.applied + processor.stats.skipped >= 3 ? s : undefined;
      },
      { what: 'the processor to apply three records', timeoutMs: 30_000 },
    );
    expect(score?.eventCount).toBe(2);
    expect(score?.standing.champions).toBe(2);
    expect(score?.momentum.score).toBeGreaterThan(0);
    expect(processor.stats).toMatchObject({ applied: 2, skipped: 1, deadLettered: 0 });
  });

  it('sends a record that is not Avro to the dead-letter topic with the reason, and keeps going', async () => {
    const dlqConsumer = kafka.consumer({ groupId: `${config.processor.groupId}-dlq-reader` });
    await dlqConsumer.connect();
    await dlqConsumer.subscribe({ topic: config.topics.deadLetter, fromBeginning: true });
    const received: { value: string; headers: Record<string, string> }[] = [];
    await dlqConsumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
        );
        received.push({ value: message.value?.toString() ?? '', headers });
      },
    });

    const good = await codec.encode('ChampionGained', championGained('evt-3', 'p-3'));
    await producer.send({
      topic: config.topics.events,
      messages: [
        { key: 'payments', value: Buffer.from('not avro at all') },
        { key: 'payments', value: good },
      ],
    });

    await waitFor(() => (received.length > 0 ? true : undefined), {
      what: 'a dead letter',
      timeoutMs: 30_000,
    });
    await dlqConsumer.disconnect();
    expect(received[0]?.value).toBe('not avro at all');
    expect(received[0]?.headers[DEAD_LETTER_HEADERS.reason]).toBe('MM_ERR_EVENT_UNDECODABLE');
    expect(received[0]?.headers[DEAD_LETTER_HEADERS.originalTopic]).toBe(config.topics.events);
    expect(received[0]?.headers[DEAD_LETTER_HEADERS.exceptionMessage]).toMatch(/magic byte/);

    const score = await waitFor(
      async () => {
        const s = await scoreOf(reader, domainRef('payments'));
        return s?.eventCount === 3 ? s : undefined;
      },
      { what: 'the good record after the poison pill', timeoutMs: 30_000 },
    );
    expect(score?.standing.champions).toBe(3);
  });

  it('commits the applied and dead-lettered records to the consumer group, for lag tools', async () => {
    // Earlier tests left 5 records in the events topic (3 applied, 1 dead-lettered, 1 applied).
    const admin = kafka.admin();
    await admin.connect();
    try {
      const committed = await waitFor(
        async () => {
          const [topic] = await admin.fetchOffsets({
            groupId: config.processor.groupId,
            topics: [config.topics.events],
          });
          const total = (topic?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
          return total >= 5 ? total : undefined;
        },
        { what: 'the consumer group to commit the five records', timeoutMs: 15_000 },
      );
      expect(committed).toBe(5);
    } finally {
      await admin.disconnect();
    }
  });
});
