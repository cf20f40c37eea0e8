import { afterEach, describe, expect, inject, it } from 'vitest';
import { FencedWriteError } from '@mesh-momentum/common';
import { CATALOGUE, frame } from '@mesh-momentum/events';
import { DEAD_LETTER_HEADERS } from '@mesh-momentum/processor';
import { DEFAULT_SCORING_CONFIG } from '@mesh-momentum/scoring';
import { simulateProgramme } from '@mesh-momentum/simulator';
import { domainRef, MomentumReader } from '@mesh-momentum/store';
import { ScoreStore } from '@mesh-momentum/store-writer';
import { isolatedEnv, waitFor } from '@mesh-momentum/testing';
import { TestPipeline, processorConfig } from './support/pipeline.ts';
import { ProcessorProcess } from './support/service-process.ts';
import { expectRedisMatchesReference, toScoring } from './support/reference.ts';
import { byDomain } from './support/store-harness.ts';
import { appliedEvents, scoreOf } from './support/scores.ts';

let pipeline: TestPipeline | undefined;
const processes: ProcessorProcess[] = [];
afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.stop()));
  await pipeline?.close();
  pipeline = undefined;
});

describe('processor under failure', () => {
  it('dead-letters poison pills with the reason and applies the rest of the stream', async () => {
    pipeline = new TestPipeline(processorConfig(inject('services'), { name: 'poison' }));
    await pipeline.createTopics();
    await pipeline.startProcessor();
    const valid = {
      id: 'ok-1',
      source: 'urn:test',
      type: 'ChampionGained',
      time: Date.now() - 60_000,
      subject: 'p-1',
      domain: 'payments',
      personId: 'p-1',
      role: 'champion',
    };
    const championSchemaId = await pipeline.codec.schemaIdFor('ChampionGained');
    const avro = CATALOGUE.get('ChampionGained')!.avroType;
    const poison = {
      garbage: Buffer.from('definitely not avro'),
      unknownSchema: frame(987_654, avro.toBuffer(valid)),
      // Valid Avro, but the envelope breaks the schema's rules (empty id).
      invalid: frame(championSchemaId, avro.toBuffer({ ...valid, id: '' })),
      futureDated: frame(
        championSchemaId,
        avro.toBuffer({ ...valid, id: 'future', time: Date.now() + 86_400_000 }),
      ),
      // Times the scores cannot represent: each once crashed the consumer on every restart.
      epoch: frame(championSchemaId, avro.toBuffer({ ...valid, id: 'epoch', time: 0 })),
      beforeEpoch: frame(championSchemaId, avro.toBuffer({ ...valid, id: 'before-epoch', time: -1_000 })),
      year1984: frame(championSchemaId, avro.toBuffer({ ...valid, id: '1984', time: Date.UTC(1984, 0, 1) })),
    };
    const producer = pipeline.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: pipeline.config.topics.events,
      messages: [
        ...Object.values(poison).map((value) => ({ key: 'payments', value })),
        // A producer that dates its record a year ahead: the broker's append time replaces it, so the
        // event dated half a year ahead is still judged future-dated.
        {
          key: 'payments',
          value: frame(
            championSchemaId,
            avro.toBuffer({ ...valid, id: 'future-record', time: Date.now() + 180 * 86_400_000 }),
          ),
          timestamp: String(Date.now() + 365 * 86_400_000),
        },
        { key: 'payments', value: await pipeline.codec.encode('ChampionGained', valid) },
      ],
    });
    await producer.disconnect();

    const dlq = pipeline.kafka.consumer({ groupId: `${pipeline.config.processor.groupId}-dlq` });
    const letters: Record<string, string>[] = [];
    await dlq.connect();
    await dlq.subscribe({ topic: pipeline.config.topics.deadLetter, fromBeginning: true });
    await dlq.run({
      eachMessage: async ({ message }) => {
        letters.push(
          Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
        );
      },
    });
    await waitFor(() => (letters.length >= 8 ? true : undefined), {
      what: 'eight dead letters',
      timeoutMs: 30_000,
    });
    await dlq.disconnect();

    expect(letters.map((h) => h[DEAD_LETTER_HEADERS.reason]).sort()).toEqual([
      'MM_ERR_EVENT_FUTURE_DATED',
      'MM_ERR_EVENT_FUTURE_DATED',
      'MM_ERR_EVENT_INVALID',
      'MM_ERR_EVENT_OUT_OF_RANGE',
      'MM_ERR_EVENT_OUT_OF_RANGE',
      'MM_ERR_EVENT_OUT_OF_RANGE',
      'MM_ERR_EVENT_UNDECODABLE',
      'MM_ERR_SCHEMA_UNKNOWN',
    ]);
    for (const h of letters) {
      expect(h[DEAD_LETTER_HEADERS.originalTopic]).toBe(pipeline.config.topics.events);
      expect(Number(h[DEAD_LETTER_HEADERS.originalOffset])).toBeGreaterThanOrEqual(0);
      expect(h[DEAD_LETTER_HEADERS.exceptionMessage]?.length).toBeGreaterThan(5);
    }
    const invalid = letters.find((h) => h[DEAD_LETTER_HEADERS.reason] === 'MM_ERR_EVENT_INVALID');
    expect(invalid?.[DEAD_LETTER_HEADERS.exceptionMessage]).toMatch(/\bid\b/);

    const reader = new MomentumReader(pipeline.redis, { prefix: pipeline.config.redis.keyPrefix });
    const score = await waitFor(async () => scoreOf(reader, domainRef('payments')), {
      what: 'the valid event applied',
    });
    expect(score.eventCount).toBe(1);
  });

  it('loses nothing and counts nothing twice when the processor is killed with SIGKILL mid-stream', async () => {
    const env = isolatedEnv(inject('services'), {
      name: 'sigkill',
      // A short session, so the killed instance's partitions move to the new one quickly.
      env: {
        MM_PROCESSOR_HTTP_PORT: '0',
        MM_PROCESSOR_TICK_MS: '1000',
        MM_PROCESSOR_SESSION_TIMEOUT_MS: '6000',
      },
    });
    pipeline = new TestPipeline(processorConfig(inject('services'), { name: 'unused', env }));
    await pipeline.createTopics();
    // Part of the stream before the crash, part after: the kill lands wherever the first processor is.
    const before = simulateProgramme({ seed: 23, endMs: Date.now() - 3_600_000, scale: 4 });
    const after = simulateProgramme({ seed: 24, endMs: Date.now() - 3_600_000, scale: 2 });
    const events = [...before, ...after];
    await pipeline.produce(before, 2_000);
    const reader = new MomentumReader(pipeline.redis, { prefix: pipeline.config.redis.keyPrefix });

    const first = new ProcessorProcess(env);
    processes.push(first);
    await waitFor(async () => ((await appliedEvents(reader)) > 0 ? true : undefined), {
      what: 'the first processor to apply something',
      timeoutMs: 60_000,
      intervalMs: 20,
    }).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; processor output:\n${first.output.slice(-3000)}`);
    });
    first.signal('SIGKILL');
    expect((await first.exited()).signal).toBe('SIGKILL');
    await pipeline.produce(after, 2_000);

    const second = new ProcessorProcess(env);
    processes.push(second);
    await waitFor(async () => ((await appliedEvents(reader)) === events.length ? true : undefined), {
      what: `all ${events.length} events applied after the restart`,
      timeoutMs: 120_000,
      intervalMs: 250,
    });
    // Let one tick rewrite every score at one asOf, stop (SIGTERM: a clean exit), then compare.
    await new Promise((r) => setTimeout(r, 2_500));
    await second.stop();
    expect((await second.exited()).code, second.output).toBe(0);
    await expectRedisMatchesReference(reader, toScoring(events));
  }, 240_000);

  it('refuses the writes of a zombie whose partition was re-assigned (epoch fencing)', async () => {
    pipeline = new TestPipeline(processorConfig(inject('services'), { name: 'zombie' }));
    const keySpace = { prefix: pipeline.config.redis.keyPrefix, namespace: 'v1' };
    const zombie = new ScoreStore(pipeline.redis, keySpace, DEFAULT_SCORING_CONFIG);
    const owner = new ScoreStore(pipeline.redis, keySpace, DEFAULT_SCORING_CONFIG);
    const topic = pipeline.config.topics.events;
    const zombieEpoch = await zombie.takeEpoch(topic, 0);
    const ownerEpoch = await owner.takeEpoch(topic, 0);
    expect(ownerEpoch).toBeGreaterThan(zombieEpoch);

    const [first, second] = toScoring(
      simulateProgramme({ seed: 3, endMs: Date.now() - 60_000 }).filter((e) => e.domain === 'payments'),
    );
    const batch = (epoch: number, offset: number, event: NonNullable<typeof first>) => ({
      topic,
      partition: 0,
      epoch,
      asOfMs: Date.now(),
      byDomain: byDomain([event], offset),
    });
    await owner.applyPartitionBatch(batch(ownerEpoch, 10, first!));
    await expect(zombie.applyPartitionBatch(batch(zombieEpoch, 11, second!))).rejects.toBeInstanceOf(
      FencedWriteError,
    );
    const reader = new MomentumReader(pipeline.redis, { prefix: keySpace.prefix });
    expect((await reader.snapshotOf('v1').score(domainRef('payments')))?.eventCount).toBe(1);
    // The owner still writes, and the same event offered again is recognised as applied.
    const again = await owner.applyPartitionBatch(batch(ownerEpoch, 10, first!));
    expect(again).toMatchObject({ applied: 0, skipped: 1 });
  });
});

describe('zombie processor', () => {
  it('has its writes refused after its partitions moved while it was paused past the session timeout', async () => {
    pipeline = new TestPipeline(
      processorConfig(inject('services'), {
        name: 'zombie-e2e',
        env: { MM_PROCESSOR_SESSION_TIMEOUT_MS: '6000' },
      }),
    );
    await pipeline.createTopics();
    const reader = new MomentumReader(pipeline.redis, { prefix: pipeline.config.redis.keyPrefix });
    const endMs = Date.now() - 3_600_000;
    const first = simulateProgramme({ seed: 51, endMs, scale: 0.3 });
    const second = simulateProgramme({ seed: 52, endMs, scale: 0.3 });

    // The zombie applies the first events, then freezes inside its next batch (no heartbeats, as in a
    // long GC pause or SIGSTOP) until the test releases it.
    let freeze = false;
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => (release = r));
    let frozen: () => void = () => undefined;
    const isFrozen = new Promise<void>((r) => (frozen = r));
    const zombie = await pipeline.startProcessor({
      beforeApply: async () => {
        if (!freeze) return;
        frozen();
        await released;
      },
    });
    await pipeline.produce(first);
    await waitFor(async () => ((await appliedEvents(reader)) === first.length ? true : undefined), {
      what: 'the first events applied by the future zombie',
      timeoutMs: 60_000,
    });

    freeze = true;
    await pipeline.produce(second);
    await isFrozen;
    // A second instance joins; once the frozen one misses its session, it takes every partition.
    const owner = await pipeline.startProcessor();
    const all = [...first, ...second];
    await waitFor(async () => ((await appliedEvents(reader)) === all.length ? true : undefined), {
      what: 'the new owner to apply the events the zombie holds',
      timeoutMs: 90_000,
      intervalMs: 250,
    });
    release(); // the zombie wakes up and tries to write its stale batch
    const fenced = async () => (await zombie.metrics.fencedBatches.get()).values[0]?.value ?? 0;
    await waitFor(async () => ((await fenced()) > 0 ? true : undefined), {
      what: 'the zombie to be fenced',
      timeoutMs: 30_000,
    });
    expect(await appliedEvents(reader)).toBe(all.length);
    expect(owner.stats.applied + zombie.stats.applied).toBe(all.length);
    await Promise.all(pipeline.processors.splice(0).map((p) => p.stop()));
    await expectRedisMatchesReference(reader, toScoring(all));
  }, 240_000);
});
