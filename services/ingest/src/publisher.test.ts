import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { validateEvent, withDefaults, type EventType } from '@mesh-momentum/events';
import type { Delivery } from '@mesh-momentum/sdk';
import { Publisher, type EnqueueingProducer } from './publisher.ts';

/**
 * The publisher's deadline and per-item outcomes. The producer here validates like the SDK's and holds
 * every acknowledgement until the test releases it (Kafka slow); the real Kafka path is covered by the
 * ingest integration tests.
 */
const NOW = Date.parse('2026-11-01T10:00:00Z');

class SlowKafka {
  readonly #pending: (() => void)[] = [];
  enqueued = 0;

  /** Validates (throws as the SDK does, nothing queued), then waits for `acknowledge()`. */
  enqueue(type: EventType, input: unknown): Promise<Delivery> {
    try {
      const event = validateEvent(withDefaults({ ...(input as object), type }, { nowMs: NOW }), {
        nowMs: NOW,
        maxFutureSkewMs: 300_000,
      });
      this.enqueued++;
      const delivered = new Promise((resolve) => this.#pending.push(() => resolve({ event, sent: true })));
      return Promise.resolve({ event, delivered } as unknown as Delivery);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  acknowledge(): void {
    for (const ack of this.#pending.splice(0)) ack();
  }
}

function setup(ackTimeoutMs = 5_000) {
  const kafka = new SlowKafka();
  const publisher = new Publisher(kafka as unknown as EnqueueingProducer, {
    ackTimeoutMs,
    maxFutureSkewMs: 300_000,
    brokers: ['kafka:9092'],
    clock: () => NOW,
  });
  return { kafka, publisher };
}

const champion = (personId: string, extra: Record<string, unknown> = {}) => ({
  type: 'ChampionGained',
  domain: 'payments',
  personId,
  role: 'champion',
  source: 'urn:test',
  time: NOW - 1_000,
  ...extra,
});

describe('Publisher', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
  afterEach(() => vi.useRealTimers());

  it('answers each event once Kafka acknowledged it', async () => {
    const { publisher, kafka } = setup();
    const waiting = publisher.publishEach([champion('p-1'), champion('p-2')]);
    await vi.advanceTimersByTimeAsync(10);
    kafka.acknowledge();
    const outcomes = await waiting;
    expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
  });

  it('answers 503 (MM_ERR_KAFKA_UNAVAILABLE) for events not acknowledged by the ack timeout, not before', async () => {
    const { publisher } = setup(1_500);
    let settled = false;
    const waiting = publisher.publishEach([champion('p-1'), champion('p-2')]).finally(() => (settled = true));
    await vi.advanceTimersByTimeAsync(1_499);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const outcomes = await waiting;
    expect(outcomes).toHaveLength(2);
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({
        ok: false,
        error: { code: 'MM_ERR_KAFKA_UNAVAILABLE', retriable: true, httpStatus: 503 },
      });
      if (!outcome.ok) expect(outcome.error.message).toMatch(/MM_INGEST_ACK_TIMEOUT_MS/);
    }
  });

  it('keeps the answer of an event refused before the deadline beside the late ones', async () => {
    const { publisher } = setup(1_000);
    const waiting = publisher.publishEach([champion('p-1'), { type: 'ChampionGained', domain: 'payments' }]);
    await vi.advanceTimersByTimeAsync(1_000);
    const [late, invalid] = await waiting;
    expect(late).toMatchObject({ ok: false, error: { code: 'MM_ERR_KAFKA_UNAVAILABLE' } });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'MM_ERR_EVENT_INVALID' } });
  });

  it('sends each valid group whole, and refuses a group with an invalid event without queuing any of it', async () => {
    const { publisher, kafka } = setup();
    const waiting = publisher.publishGroups([
      [champion('a-1'), champion('a-2')],
      [champion('b-1'), { type: 'ChampionGained', domain: 'payments', source: 'urn:test' }],
      [champion('c-1')],
      [],
    ]);
    await vi.advanceTimersByTimeAsync(10);
    kafka.acknowledge();
    const [a, b, c, empty] = await waiting;
    expect(a).toMatchObject({ ok: true, sent: [{ ok: true }, { ok: true }] });
    expect(b).toMatchObject({ ok: false, error: { code: 'MM_ERR_EVENT_INVALID' } });
    expect(c).toMatchObject({ ok: true, sent: [{ ok: true }] });
    expect(empty).toEqual({ ok: true, sent: [] });
    // b-1 was valid, but its group was not: nothing of it reached Kafka.
    expect(kafka.enqueued).toBe(3);
  });

  it('publishAll throws the refusal of its one group, having queued nothing', async () => {
    const { publisher, kafka } = setup();
    await expect(
      publisher.publishAll([champion('a-1'), { type: 'ChampionGained', source: 'urn:test' }]),
    ).rejects.toMatchObject({ code: 'MM_ERR_EVENT_INVALID' });
    expect(kafka.enqueued).toBe(0);
  });
});
