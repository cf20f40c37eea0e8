import { afterEach, describe, expect, inject, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import { toKafkaMessage, validateEvent } from '@mesh-momentum/events';
import { domainRef, MomentumReader } from '@mesh-momentum/store';
import { waitFor } from '@mesh-momentum/testing';
import { TestPipeline, processorConfig } from './support/pipeline.ts';
import { scoreOf } from './support/scores.ts';

const DAY = 86_400_000;
const WINDOW_DAYS = 7;

let pipeline: TestPipeline | undefined;
afterEach(async () => {
  await pipeline?.close();
  pipeline = undefined;
});

/**
 * De-duplication remembers event keys per period of MM_PROCESSOR_DEDUP_WINDOW_DAYS of Kafka record time, and
 * looks in the record's period and both neighbours: copies a window apart or less (either way) count once,
 * copies more than two windows apart count twice (the memory stays bounded). Record timestamps are set
 * explicitly, as a producer retry days later would carry them.
 */
describe('de-duplication window', () => {
  it('counts copies within a window once (in either order), copies over two windows apart twice, and lets the records expire', async () => {
    pipeline = new TestPipeline(
      processorConfig(inject('services'), {
        name: 'dedup-window',
        // Producer-set record timestamps, to place copies days apart without waiting days.
        env: { MM_PROCESSOR_DEDUP_WINDOW_DAYS: String(WINDOW_DAYS), MM_TOPIC_TIMESTAMP_TYPE: 'CreateTime' },
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
      // A retry whose record timestamp is older than the first copy's (producer clocks differ).
      [champion('backwards'), r0 + 10 * DAY],
      [champion('backwards'), r0],
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
      { what: 'all eight records processed', timeoutMs: 30_000 },
    );
    expect(processor.stats).toMatchObject({ applied: 5, skipped: 3, deadLettered: 0 });
    const reader = new MomentumReader(pipeline.redis, { prefix: pipeline.config.redis.keyPrefix });
    expect((await scoreOf(reader, domainRef('payments')))?.eventCount).toBe(5);

    // Every period's record expires; these periods are long past, so a day after their last write
    // (a rebuild of old records must not keep every key it replays for weeks).
    const seenKeys = await pipeline.keysMatching(`${pipeline.config.redis.keyPrefix}:*:{payments}:seen:*`);
    expect(seenKeys.length).toBe(3); // periods of r0, r0 + 10 days, r0 + 15 days; found copies are not recorded
    for (const key of seenKeys) {
      expect(key).toMatch(new RegExp(`:seen:${WINDOW_DAYS}d:\\d+$`));
      const ttl = await pipeline.redis.pttl(key);
      expect(ttl, key).toBeGreaterThan(DAY - 120_000);
      expect(ttl, key).toBeLessThanOrEqual(DAY);
    }
  }, 60_000);
});
