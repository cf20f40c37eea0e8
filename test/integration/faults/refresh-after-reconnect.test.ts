import { afterEach, describe, expect, inject, it } from 'vitest';
import { simulateProgramme } from '@mesh-momentum/simulator';
import { domainRef, MomentumReader } from '@mesh-momentum/store';
import { waitFor } from '@mesh-momentum/testing';
import { TestPipeline, processorConfig } from '../support/pipeline.ts';
import { appliedEvents, domainsOf, scoreOf } from '../support/scores.ts';

const DAY_MS = 86_400_000;
const END_MS = Date.parse('2026-06-01T00:00:00Z');

let pipeline: TestPipeline | undefined;
afterEach(async () => {
  await pipeline?.close();
  pipeline = undefined;
});

describe('quiet domains after Redis reconnects', () => {
  it('are still refreshed by the tick: decay moves their scores with no new event', async () => {
    let nowMs = END_MS + 3_600_000;
    pipeline = new TestPipeline(processorConfig(inject('services'), { name: 'refresh-after-reconnect' }));
    await pipeline.createTopics();
    const processor = await pipeline.startProcessor({ clock: () => nowMs });
    const events = simulateProgramme({ seed: 5, endMs: END_MS, scale: 1 });
    await pipeline.produce(events);
    const reader = new MomentumReader(pipeline.redis, { prefix: pipeline.config.redis.keyPrefix });
    await waitFor(async () => ((await appliedEvents(reader)) === events.length ? true : undefined), {
      what: `all ${events.length} events applied`,
      timeoutMs: 60_000,
    });
    const [domain] = await domainsOf(reader);
    const before = await scoreOf(reader, domainRef(domain!));

    // A reconnect makes the processor drop what it holds in memory; its partitions stay its own.
    const ready = new Promise((resolve) => pipeline!.redis.once('ready', resolve));
    pipeline.redis.disconnect(true);
    await ready;

    nowMs += 14 * DAY_MS;
    await processor.refresh();
    const after = await scoreOf(reader, domainRef(domain!));
    expect(after?.asOfMs, 'the quiet domain was rewritten as of the tick').toBe(nowMs);
    // Nothing happened in those 14 days, one momentum half-life (the default config): every event's
    // contribution, and so the raw sum, is exactly halved.
    expect(after!.momentum.raw).toBeCloseTo(before!.momentum.raw / 2, 9);
    expect(after!.eventCount).toBe(before!.eventCount);
  }, 120_000);
});
