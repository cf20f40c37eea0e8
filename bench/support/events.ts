import { performance } from 'node:perf_hooks';
import type { Kafka, Message } from 'kafkajs';
import {
  EVENT_TYPES,
  toKafkaMessage,
  validateEvent,
  type DomainEvent,
  type EventCodec,
} from '@mesh-momentum/events';
import { waitForLeaders } from '@mesh-momentum/kafka';
import { simulateProgramme, type DomainSpec, type SimulatedEvent } from '@mesh-momentum/simulator';

/** Domains of the benchmark mesh: 24, the four stories in turn, so keys spread over the partitions. */
export const BENCH_DOMAINS: readonly DomainSpec[] = Array.from({ length: 24 }, (_, i) => ({
  domain: `domain-${String(i).padStart(2, '0')}`,
  story: (['thriving', 'hype', 'grind', 'stalling'] as const)[i % 4] as DomainSpec['story'],
}));

/** Events per unit of simulator scale with BENCH_DOMAINS (measured: scale 120 gives ~1.07M). */
const EVENTS_PER_SCALE = 8_000;

/**
 * At least `count` realistic events (a year ending now, ids unique per domain and seed), cut to exactly
 * `count` in time order. Deterministic for a seed.
 */
export function simulateEvents(count: number, seed = 7, endMs = Date.now()): SimulatedEvent[] {
  const scale = Math.min(10_000, Math.max(1, Math.ceil(count / EVENTS_PER_SCALE)));
  const events = simulateProgramme({ seed, endMs, scale, domains: BENCH_DOMAINS });
  if (events.length < count) throw new Error(`simulator gave ${events.length} events, fewer than ${count}`);
  return events.length === count ? events : events.slice(0, count);
}

/**
 * `count` events over the scopes and days of `base` (a simulation): each base event followed by copies
 * under new ids (`<id>-r<k>`), so time order holds and no new product, domain or day appears. Shows what
 * Redis holds per event once scopes and days are fixed.
 */
export function replicateEvents(base: readonly SimulatedEvent[], count: number): SimulatedEvent[] {
  const copies = Math.ceil(count / base.length);
  const out: SimulatedEvent[] = [];
  for (const event of base) {
    out.push(event);
    for (let k = 1; k < copies; k++) out.push({ ...event, id: `${event.id}-r${k}` });
  }
  return out.slice(0, count);
}

/** Resolves the writer schema id of every event type once, so encoding is synchronous afterwards. */
export async function schemaIds(codec: EventCodec): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const type of EVENT_TYPES) ids.set(type, await codec.schemaIdFor(type));
  return ids;
}

/** Validates and Avro-encodes one simulated event (once), as the SDK would: key = domain, CE headers. */
export function encodeEvent(
  codec: EventCodec,
  ids: ReadonlyMap<string, number>,
  raw: SimulatedEvent,
  nowMs: number,
): Message {
  const event: DomainEvent = validateEvent(raw, { nowMs, maxFutureSkewMs: 300_000 });
  const value = codec.encodeWithId(ids.get(event.type) as number, event.type, { ...event });
  return toKafkaMessage(event, value) as Message;
}

export interface PreloadResult {
  readonly events: number;
  readonly bytes: number;
  readonly encodeSeconds: number;
  readonly totalSeconds: number;
}

/**
 * Encodes and produces events into `topic` in large batches (several requests in flight, acks=all, no
 * idempotence: ordering across retries does not matter to the scores, which depend only on the set of
 * events). Chunks are encoded lazily so the encoded records never all sit in memory at once.
 */
export async function preload(
  kafka: Kafka,
  codec: EventCodec,
  topic: string,
  events: readonly SimulatedEvent[],
  options: { chunk?: number; inFlight?: number; onProgress?: (done: number) => void } = {},
): Promise<PreloadResult> {
  // Time-ordered events come in bursts of one domain (monthly usage reports): 2,000 records (~430 B each
  // with headers) stay under the broker's 1 MiB batch even when they all land on one partition.
  const chunk = options.chunk ?? 2_000;
  const inFlight = options.inFlight ?? 6;
  const started = performance.now();
  const ids = await schemaIds(codec);
  const admin = kafka.admin();
  await admin.connect();
  await waitForLeaders(admin, [topic]).finally(() => admin.disconnect());
  // More retries than kafkajs' default 5: a broker that has just created the topic may still answer
  // "does not host this topic-partition" for a moment (a 1M-event preload once died on it).
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    maxInFlightRequests: inFlight,
    retry: { retries: 10 },
  });
  await producer.connect();
  let bytes = 0;
  let encodeMs = 0;
  let done = 0;
  const pending = new Set<Promise<void>>();
  try {
    for (let i = 0; i < events.length; i += chunk) {
      const t0 = performance.now();
      const nowMs = Date.now();
      const messages: Message[] = [];
      for (let j = i; j < Math.min(events.length, i + chunk); j++) {
        const m = encodeEvent(codec, ids, events[j] as SimulatedEvent, nowMs);
        bytes += (m.value as Buffer).length;
        messages.push(m);
      }
      encodeMs += performance.now() - t0;
      const p: Promise<void> = producer.send({ topic, acks: -1, messages }).then(() => {
        pending.delete(p);
        done += messages.length;
        options.onProgress?.(done);
      });
      pending.add(p);
      if (pending.size >= inFlight) await Promise.race(pending);
    }
    await Promise.all(pending);
  } finally {
    await producer.disconnect();
  }
  return {
    events: events.length,
    bytes,
    encodeSeconds: encodeMs / 1000,
    totalSeconds: (performance.now() - started) / 1000,
  };
}
