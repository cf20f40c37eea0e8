import { PerformanceObserver } from 'node:perf_hooks';
import type { KafkaMessage } from 'kafkajs';
import { CATALOGUE, EventCodec, type RegistryClient } from '@mesh-momentum/events';
import { decodeBatch } from '@mesh-momentum/processor';
import { cpuMicrosSince, fmtInt, fmtNum, numberArg } from './support/common.ts';
import { encodeEvent, schemaIds, simulateEvents } from './support/events.ts';

/**
 * Micro-benchmark of the processor's decoding, without Kafka or a registry: N simulated events (the
 * processor benchmark's mesh) are encoded once as the SDK writes them, cut into partition batches of
 * `--batch` records, and decoded with `decodeBatch` (unframe, Avro decode, validation, the scoring view,
 * the batch entry) `--rounds` times; prints the fastest round's CPU µs per event and its GC pauses.
 *
 *   node --conditions=@mesh-momentum/source bench/decode-batch.micro.ts [--events N] [--batch N] [--rounds N]
 *
 * The schema ids come from an in-memory stand-in for the registry (one id per catalogue type): decoding
 * asks the registry once per id, so the stand-in changes nothing per event.
 */

const EVENTS = numberArg('events', 'BENCH_EVENTS', 200_000);
const BATCH = numberArg('batch', 'BENCH_BATCH', 9_091);
const ROUNDS = numberArg('rounds', 'BENCH_ROUNDS', 5);

const schemaTexts = new Map<number, string>();
const idsBySubject = new Map<string, number>();
const registry = {
  register: (subject: string, schemaText: string): Promise<number> => {
    let id = idsBySubject.get(subject);
    if (id === undefined) {
      idsBySubject.set(subject, (id = idsBySubject.size + 1));
      schemaTexts.set(id, schemaText);
    }
    return Promise.resolve(id);
  },
  schemaText: (id: number): Promise<string> => Promise.resolve(schemaTexts.get(id) ?? ''),
} as unknown as RegistryClient;

const codec = new EventCodec(registry);
const ids = await schemaIds(codec);
const nowMs = Date.now();
const messages: KafkaMessage[] = simulateEvents(EVENTS, 7, nowMs).map((raw, i) => {
  const message = encodeEvent(codec, ids, raw, nowMs);
  return {
    key: message.key as Buffer,
    value: message.value as Buffer,
    timestamp: String(nowMs),
    attributes: 0,
    offset: String(i),
    headers: {},
  } satisfies KafkaMessage;
});
const batches: KafkaMessage[][] = [];
for (let from = 0; from < messages.length; from += BATCH) batches.push(messages.slice(from, from + BATCH));

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ['gc'] });

const options = { maxFutureSkewMs: 300_000, timeRange: { minMs: 0, maxMs: 8.64e15 } };
let best = { cpuUs: Number.POSITIVE_INFINITY, gcUs: 0 };
for (let round = 0; round < ROUNDS; round++) {
  gcMs = 0;
  const c0 = process.cpuUsage();
  let decoded = 0;
  for (const batch of batches) {
    const { byDomain, rejected } = await decodeBatch(codec, batch, options);
    if (rejected.length > 0) throw new Error(`refused ${rejected.length}: ${rejected[0]?.error.message}`);
    for (const list of byDomain.values()) decoded += list.length;
  }
  // The GC observer's entries arrive on a later turn of the event loop.
  await new Promise((resolve) => setImmediate(resolve));
  const cpuUs = cpuMicrosSince(c0) / decoded;
  console.log(
    `round ${round + 1}: ${fmtInt(decoded)} events, CPU ${fmtNum(cpuUs, 2)} µs/event, GC pauses ${fmtNum((gcMs * 1000) / decoded, 2)} µs/event`,
  );
  if (cpuUs < best.cpuUs) best = { cpuUs, gcUs: (gcMs * 1000) / decoded };
}
console.log(
  `decodeBatch over ${fmtInt(EVENTS)} events in batches of ${fmtInt(BATCH)} (${CATALOGUE.size} types), fastest of ${ROUNDS}: ` +
    `CPU ${fmtNum(best.cpuUs, 2)} µs/event, GC pauses ${fmtNum(best.gcUs, 2)} µs/event`,
);
