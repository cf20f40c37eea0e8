import { describe, expect, it } from 'vitest';
import { ErrorCodes, loadConfig } from '@mesh-momentum/common';
import { EventCodec, type RegistryClient } from '@mesh-momentum/events';
import { createLogger } from '@mesh-momentum/common';
import { sampleInputs } from '../../../test/fixtures/sample-events.ts';
import { createMeshMomentumProducer, type MeshMomentumProducer } from './producer.ts';
import type { MeshMomentumProducerOptions } from './options.ts';
import type { OutgoingRecord, RecordTransport } from './transport.ts';

/** Unit tests of the producer with an in-memory transport and a registry that answers id 7. */

const NOW = Date.parse('2026-11-01T10:00:00Z');
const config = loadConfig({ MM_TOPIC_EVENTS: 'unit.events' });
const logger = createLogger({ name: 'test', level: 'silent' });
const fakeRegistry = { register: async () => 7 } as unknown as RegistryClient;

class MemoryTransport implements RecordTransport {
  readonly batches: OutgoingRecord[][] = [];
  connects = 0;
  disconnects = 0;
  /** When set, every send waits for it. */
  gate: Promise<void> | undefined;
  failWith: Error | undefined;

  async connect(): Promise<void> {
    this.connects++;
  }
  async send(_topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    if (this.gate) await this.gate;
    if (this.failWith) throw this.failWith;
    this.batches.push([...records]);
  }
  async disconnect(): Promise<void> {
    this.disconnects++;
  }
  get sent(): number {
    return this.batches.reduce((n, b) => n + b.length, 0);
  }
}

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

function producer(
  transport: RecordTransport,
  options: Partial<MeshMomentumProducerOptions> = {},
): MeshMomentumProducer {
  return createMeshMomentumProducer({
    config,
    logger,
    transport,
    codec: new EventCodec(fakeRegistry),
    clock: () => NOW,
    lingerMs: 0,
    ...options,
  });
}

const champion = (n: number) => sampleInputs(n, NOW - 1_000).ChampionGained;

describe('MeshMomentumProducer (in-memory transport)', () => {
  it('fills defaults, validates, encodes and resolves when the transport acknowledged', async () => {
    const transport = new MemoryTransport();
    const p = producer(transport, { newId: () => 'evt-1', source: 'urn:test' });
    const report = await p.championGained({ domain: 'payments', personId: 'p-1', role: 'sponsor' });
    expect(report.sent).toBe(true);
    expect(report.event).toMatchObject({
      id: 'evt-1',
      type: 'ChampionGained',
      source: 'urn:test',
      time: NOW,
      subject: 'p-1',
      domain: 'payments',
    });
    const record = transport.batches[0]?.[0];
    expect(record?.key).toBe('payments');
    expect(record?.value.readUInt8(0)).toBe(0);
    expect(record?.value.readUInt32BE(1)).toBe(7);
    expect(record?.headers).toMatchObject({
      ce_type: 'ChampionGained',
      ce_id: 'evt-1',
      ce_source: 'urn:test',
    });
    await p.close();
    expect(transport.disconnects).toBe(1);
  });

  it('has one typed method per event type, and emit for any type by name', async () => {
    const transport = new MemoryTransport();
    const p = producer(transport);
    const inputs = sampleInputs(1, NOW - 1_000);
    await Promise.all([
      p.dataProductPublished(inputs.DataProductPublished),
      p.useCaseDelivered(inputs.UseCaseDelivered),
      p.emit('ProductUsageReported', inputs.ProductUsageReported),
    ]);
    expect(typeof p.qualityIncidentResolved).toBe('function');
    expect(transport.sent).toBe(3);
    await p.close();
  });

  it('refuses invalid and future-dated events without queueing them', async () => {
    const transport = new MemoryTransport();
    const p = producer(transport);
    await expect(p.championGained({ domain: '', personId: 'p-1', role: 'champion' })).rejects.toMatchObject({
      code: ErrorCodes.EVENT_INVALID,
    });
    await expect(
      p.championGained({ domain: 'd', personId: 'p-1', role: 'champion', time: NOW + 10 * 60_000 }),
    ).rejects.toMatchObject({ code: ErrorCodes.EVENT_FUTURE_DATED });
    // Within the configured skew: accepted.
    await p.championGained({ domain: 'd', personId: 'p-1', role: 'champion', time: NOW + 60_000 });
    expect(p.stats).toMatchObject({ refused: 2, delivered: 1 });
    await p.close();
  });

  it("rejects with MM_ERR_PRODUCER_QUEUE_FULL when full in 'fail' mode", async () => {
    const transport = new MemoryTransport();
    const g = gate();
    transport.gate = g.promise;
    const p = producer(transport, { maxQueuedEvents: 2, whenQueueFull: 'fail' });
    const first = p.emit('ChampionGained', champion(1));
    const second = p.emit('ChampionGained', champion(2));
    await expect(p.emit('ChampionGained', champion(3))).rejects.toMatchObject({
      code: ErrorCodes.PRODUCER_QUEUE_FULL,
      retriable: true,
    });
    g.open();
    await Promise.all([first, second]);
    await p.emit('ChampionGained', champion(4));
    expect(transport.sent).toBe(3);
    await p.close();
  });

  it("makes enqueue wait for a free slot in 'wait' mode (back-pressure, never more outstanding)", async () => {
    const transport = new MemoryTransport();
    const g = gate();
    transport.gate = g.promise;
    const p = producer(transport, { maxQueuedEvents: 2, whenQueueFull: 'wait' });
    await p.enqueue('ChampionGained', champion(1));
    await p.enqueue('ChampionGained', champion(2));
    let admitted = false;
    const third = p.enqueue('ChampionGained', champion(3)).then(() => (admitted = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(admitted).toBe(false);
    expect(p.outstanding).toBe(2);
    g.open();
    await third;
    await p.close();
    expect(transport.sent).toBe(3);
  });

  it('batches by size and linger, and flush() sends what lingers', async () => {
    const transport = new MemoryTransport();
    const p = producer(transport, { maxBatchSize: 3, lingerMs: 60_000 });
    for (let i = 0; i < 7; i++) await p.enqueue('ChampionGained', champion(i));
    // Two full batches go at once; the seventh event lingers.
    await new Promise((r) => setTimeout(r, 10));
    expect(transport.batches.map((b) => b.length)).toEqual([3, 3]);
    await p.flush();
    expect(transport.batches.map((b) => b.length)).toEqual([3, 3, 1]);
    await p.close();
  });

  it('sends a lingering batch after lingerMs without any flush', async () => {
    const transport = new MemoryTransport();
    const p = producer(transport, { maxBatchSize: 100, lingerMs: 30 });
    const delivered = p.emit('ChampionGained', champion(1));
    await new Promise((r) => setTimeout(r, 5));
    expect(transport.sent).toBe(0);
    await delivered;
    expect(transport.sent).toBe(1);
    await p.close();
  });

  it('rejects every event of a failed batch with MM_ERR_PRODUCER_SEND_FAILED, cause and retriable', async () => {
    const transport = new MemoryTransport();
    transport.failWith = Object.assign(new Error('broker down'), { retriable: true });
    const p = producer(transport);
    const results = await Promise.allSettled([1, 2, 3].map((i) => p.emit('ChampionGained', champion(i))));
    for (const r of results) {
      expect(r.status).toBe('rejected');
      const reason = (r as PromiseRejectedResult).reason as {
        code: string;
        retriable: boolean;
        cause: Error;
      };
      expect(reason.code).toBe(ErrorCodes.PRODUCER_SEND_FAILED);
      expect(reason.retriable).toBe(true);
      expect(reason.cause.message).toBe('broker down');
    }
    expect(p.stats.failed).toBe(3);
    expect(p.outstanding).toBe(0);
    await p.close();
  });

  it('fails only the event Kafka refuses as too large, as a data error, and delivers the rest', async () => {
    // What kafkajs raises for a record over the topic's max.message.bytes: a non-retriable wrapper whose
    // cause is the protocol error; the broker refuses the whole request when any record is too large.
    const LIMIT_BYTES = 600;
    class SizeLimitedTransport extends MemoryTransport {
      sends = 0;
      override async send(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
        this.sends++;
        if (records.some((r) => r.value.length > LIMIT_BYTES)) {
          const protocolError = Object.assign(new Error('message larger than the max message size'), {
            name: 'KafkaJSProtocolError',
            type: 'MESSAGE_TOO_LARGE',
            code: 10,
            retriable: false,
          });
          throw Object.assign(new Error(protocolError.message, { cause: protocolError }), {
            name: 'KafkaJSNonRetriableError',
            retriable: false,
          });
        }
        await super.send(topic, records);
      }
    }
    const transport = new SizeLimitedTransport();
    const p = producer(transport, { maxBatchSize: 8, lingerMs: 60_000 });
    const big: ReturnType<typeof champion> = { ...champion(3), personId: `p-${'x'.repeat(250)}` };
    const inputs = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => (i === 3 ? big : champion(i)));
    const pending: Promise<unknown>[] = [];
    for (const input of inputs) pending.push(p.emit('ChampionGained', input));
    await p.flush();
    const results: PromiseSettledResult<unknown>[] = await Promise.allSettled(pending);
    const statuses: string[] = results.map((r) => r.status);
    const expected: string[] = ['fulfilled', 'fulfilled', 'fulfilled', 'rejected'];
    expected.push('fulfilled', 'fulfilled', 'fulfilled', 'fulfilled');
    expect(statuses).toEqual(expected);
    expect((results[3] as PromiseRejectedResult).reason).toMatchObject({
      code: ErrorCodes.EVENT_TOO_LARGE,
      retriable: false,
      httpStatus: 413,
      topic: 'unit.events',
    });
    expect(transport.sent).toBe(7);
    // 8 → 4+4 → the bad half 2+2 → 1+1: a bounded number of requests.
    expect(transport.sends).toBeLessThanOrEqual(7);
    expect(p.stats).toMatchObject({ delivered: 7, failed: 1 });
    await p.close();
  });

  it('takes the future-skew limit from the configuration, as the processor does', async () => {
    const transport = new MemoryTransport();
    const hourAhead = { ...champion(1), time: NOW + 30 * 60_000 };
    const lenient = producer(transport, { config: loadConfig({ MM_MAX_FUTURE_SKEW_MS: '3600000' }) });
    await expect(lenient.emit('ChampionGained', hourAhead)).resolves.toMatchObject({ sent: true });
    const strict = producer(transport, { config: loadConfig({ MM_MAX_FUTURE_SKEW_MS: '60000' }) });
    await expect(
      strict.emit('ChampionGained', { ...hourAhead, time: NOW + 2 * 60_000 }),
    ).rejects.toMatchObject({
      code: ErrorCodes.EVENT_FUTURE_DATED,
    });
    // An explicit option still wins.
    const explicit = producer(transport, { maxFutureSkewMs: 0 });
    await expect(explicit.emit('ChampionGained', { ...hourAhead, time: NOW + 1 })).rejects.toMatchObject({
      code: ErrorCodes.EVENT_FUTURE_DATED,
    });
    await Promise.all([lenient.close(), strict.close(), explicit.close()]);
  });

  it('close() delivers everything accepted or waiting for a slot, then refuses new events', async () => {
    const transport = new MemoryTransport();
    const p = producer(transport, { maxQueuedEvents: 10, maxBatchSize: 4, lingerMs: 60_000 });
    const pending = Array.from({ length: 25 }, (_, i) => p.emit('ChampionGained', champion(i)));
    await p.close();
    await Promise.all(pending);
    expect(transport.sent).toBe(25);
    await expect(p.emit('ChampionGained', champion(99))).rejects.toMatchObject({
      code: ErrorCodes.PRODUCER_CLOSED,
    });
    expect(p.stats).toMatchObject({ enqueued: 25, delivered: 25, failed: 0, refused: 1 });
  });

  it('validateOnly encodes and returns the would-be record without connecting', async () => {
    const transport = new MemoryTransport();
    const p = producer(transport, { validateOnly: true });
    const report = await p.championGained(champion(0));
    expect(report.sent).toBe(false);
    expect(report.record.key).toBe('payments');
    expect(report.record.value.readUInt32BE(1)).toBe(7);
    await p.close();
    expect(transport.connects).toBe(0);
  });

  it('checks its options', () => {
    expect(() => producer(new MemoryTransport(), { maxQueuedEvents: 0 })).toThrow(/maxQueuedEvents/);
    expect(() => producer(new MemoryTransport(), { lingerMs: -1 })).toThrow(/lingerMs/);
  });
});
