import { afterEach, describe, expect, inject, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import { toKafkaMessage, validateEvent } from '@mesh-momentum/events';
import { ScoreReader } from '@mesh-momentum/store';
import { isolatedConfig, waitFor } from '@mesh-momentum/testing';
import { TestPipeline } from './support/pipeline.ts';

const DAY = 86_400_000;
const WINDOW_DAYS = 7;

let pipeline: TestPipeline | undefined;
afterEach(async () => {
  await pipeline?.close();
  pipeline = undefined;
});

/**
 * De-duplication remembers event keys per period of MM_DEDUP_WINDOW_DAYS of Kafka record time, and
 * looks in the record's period and the one before: copies a window apart or less always count once,
 * copies more than two windows apart count twice (the memory stays bounded). Record timestamps are set
 * explicitly, as a producer retry days later would carry them.
 */
describe('de-duplication window', () => {
  it('counts copies within the window once, copies beyond twice windows apart twice, and lets the records expire', async () => {
    pipeline = new TestPipeline(
      isolatedConfig(inject('services'), {
        name: 'dedup-window',
        env: { MM_DEDUP_WINDOW_DAYS: String(WINDOW_DAYS) },
      }),
    );
    await pipeline.createTopics();
    await pipeline.startProcessor();
    const windowMs = WINDOW_DAYS * DAY;
    // An hour into a period, five periods ago: every copy below lies in the past.
    const r0 = (Math.floor(Date.now() / windowMs) - 5) * windowMs + 3_600_000;
    const champion = (id: string) => ({
      id,
      source: 'urn:meshmomentum:test',
      type: 'ChampionGained',
      time: r0 - DAY,
      subject: `person-${id}`,
      domain: 'payments',
      personId: `person-${id}`,
      role: 'champion',
    });
    const copies: [ReturnType<typeof champion>, number][] = [
      [champion('same-period'), r0],
      [champion('same-period'), r0 + 3 * DAY],
      [champion('next-period'), r0],
      [champion('next-period'), r0 + 10 * DAY],
      [champion('two-periods-on'), r0],
      [champion('two-periods-on'), r0 + 15 * DAY],
    ];
    const producer = pipeline.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      for (const [raw, recordTimeMs] of copies) {
        const event = validateEvent(raw, { nowMs: recordTimeMs, maxFutureSkewMs: 300_000 });
        const message = toKafkaMessage(event, await pipeline.codec.encode(event.type, { ...event }));
        await producer.send({
          topic: pipeline.config.topics.events,
          messages: [{ ...message, timestamp: String(recordTimeMs) }],
        });
      }
    } finally {
      await producer.disconnect();
    }

    const processor = pipeline.processors[0]!;
    await waitFor(
      () => (processor.stats.applied + processor.stats.skipped >= copies.length ? true : undefined),
      { what: 'all six records processed', timeoutMs: 30_000 },
    );
    expect(processor.stats).toMatchObject({ applied: 4, skipped: 2, deadLettered: 0 });
    const reader = new ScoreReader(pipeline.redis, pipeline.config.redis.keyPrefix);
    expect((await reader.scopeScore('payments', { kind: 'domain' }))?.eventCount).toBe(4);

    // Every period's record expires: a window and a day after now, since these periods are long past.
    const seenKeys = await pipeline.redis.keys(`${pipeline.config.redis.keyPrefix}:*:{payments}:seen:*`);
    expect(seenKeys.length).toBe(2); // the periods of r0 and r0 + 15 days; copies found are not recorded again
    for (const key of seenKeys) {
      const ttl = await pipeline.redis.pttl(key);
      expect(ttl, key).toBeGreaterThan(windowMs);
      expect(ttl, key).toBeLessThanOrEqual(windowMs + DAY);
    }
  }, 60_000);
});
