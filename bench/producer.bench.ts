import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Partitioners } from 'kafkajs';
import { createLogger, loadConfig, type Config } from '@mesh-momentum/common';
import { EVENT_TYPES, type EventType } from '@mesh-momentum/events';
import { createKafka, ensureTopics } from '@mesh-momentum/kafka';
import { createMeshMomentumProducer, type EmitInput, type OutgoingRecord } from '@mesh-momentum/sdk';
import { sampleInputs } from '../test/fixtures/sample-events.ts';
import { recordBenchmark } from './record.ts';
import { cpuMicrosSince, flagArg, numberArg } from './support/common.ts';
import { summarise } from './support/summarise-profile.ts';

/**
 * Producer throughput: events/s through the SDK (defaults, validation, Avro encoding, batching,
 * idempotent kafkajs produce with acks=all) into the Kafka of MM_KAFKA_BROKERS, for several batch sizes,
 * with mixed event types of realistic size. Also two reference rows: the SDK in validateOnly mode (the
 * CPU cost of preparing events, no Kafka) and raw kafkajs sending the same pre-encoded records (the cost
 * of kafkajs and the broker alone, with and without the seven CloudEvents headers).
 *
 *   pnpm bench:producer                      # 200k events per row
 *   BENCH_EVENTS=50000 BENCH_BATCH_SIZES=100,1000 pnpm bench:producer
 *   pnpm bench:producer -- --events 100000 --batch-sizes 1000 --rounds 3
 *       # the SDK and raw kafkajs rows three times, alternating, for a loaded machine: compare the
 *       # rows of one round, or the best of each
 *   pnpm bench:producer -- --profile         # + a CPU profile of the SDK rows (top frames printed)
 *   BENCH_KAFKA_CLUSTER=127.0.0.1:29092,127.0.0.1:29093,127.0.0.1:29094 pnpm bench:producer
 *       # the SDK rows again on a replicated cluster (local-infra.sh kafka-cluster up: RF 3, acks=all),
 *       # printed beside the single broker's
 *
 * Writes to a fresh topic bench.producer.<time>.events (deleted at the end).
 */

const EVENTS = numberArg('events', 'BENCH_EVENTS', 200_000);
const BATCH_SIZES = (batchSizesArg() ?? process.env['BENCH_BATCH_SIZES'] ?? '100,1000,5000')
  .split(',')
  .map(Number);
/** How many times the SDK rows and the raw kafkajs rows run, alternating. */
const ROUNDS = numberArg('rounds', 'BENCH_ROUNDS', 1);
const PROFILE = flagArg('profile', 'BENCH_PROFILE');
const POOL = 5_000;

function batchSizesArg(): string | undefined {
  const argv = process.argv.slice(2);
  const i = argv.findIndex((a) => a === '--batch-sizes' || a.startsWith('--batch-sizes='));
  if (i < 0) return undefined;
  const a = argv[i] as string;
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1];
}

const {
  BENCH_EVENTS: _e,
  BENCH_BATCH_SIZES: _b,
  BENCH_ROUNDS: _r,
  BENCH_PROFILE: _p,
  BENCH_KAFKA_CLUSTER: cluster,
  ...env
} = process.env;
const stamp = Date.now().toString(36);
/** The configuration for one Kafka: MM_KAFKA_BROKERS, or the given brokers (the cluster's). */
const configFor = (brokers?: string): Config =>
  loadConfig({
    ...Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('MM_TOPIC_'))),
    ...(brokers ? { MM_KAFKA_BROKERS: brokers } : {}),
    MM_TOPIC_EVENTS: `bench.producer.${stamp}.events`,
    MM_TOPIC_DLQ: `bench.producer.${stamp}.dlq`,
    MM_TOPIC_PARTITIONS: process.env['MM_TOPIC_PARTITIONS'] ?? '6',
    MM_LOG_LEVEL: process.env['MM_LOG_LEVEL'] ?? 'error',
  });
const config = configFor();
const logger = createLogger({ name: 'bench', level: config.logLevel });

/** Mixed types, varied ids: the pool is cycled, every event gets a fresh UUIDv7 from the SDK. */
const timeMs = Date.now() - 3_600_000;
const pool: { type: EventType; input: EmitInput<EventType> }[] = [];
for (let i = 0; pool.length < POOL; i++) {
  const inputs = sampleInputs(i, timeMs);
  const type = EVENT_TYPES[i % EVENT_TYPES.length] as EventType;
  // 24 domains: keys (and so partitions) spread as in a mid-sized mesh.
  const domain = `domain-${(i * 7) % 24}`;
  const input = { ...inputs[type], domain, ...(type === 'StakeholderEngaged' ? { subject: domain } : {}) };
  pool.push({ type, input: input as EmitInput<EventType> });
}

interface Row {
  /** Which Kafka: `single` (MM_KAFKA_BROKERS) or `cluster` (BENCH_KAFKA_CLUSTER). */
  readonly kafka: string;
  readonly mode: string;
  readonly batchSize: number;
  readonly events: number;
  readonly seconds: number;
  readonly bytes: number;
  readonly p50Ms: number | undefined;
  readonly p99Ms: number | undefined;
  /**
   * CPU time of this process (user + system) per event, µs: steadier than events/s when other
   * processes share the cores, and free of the broker's share.
   */
  readonly cpuUsPerEvent: number;
}

/** CPU time of this process since `since` (from process.cpuUsage()), µs per event. */
function cpuPerEvent(since: NodeJS.CpuUsage, events: number): number {
  return cpuMicrosSince(since) / events;
}

/** A CPU profile of the SDK rows when --profile is given: one inspector session around all of them. */
const profiler = PROFILE ? new Session() : undefined;
const profiles: object[] = [];
async function profiled<T>(run: () => Promise<T>): Promise<T> {
  if (!profiler) return run();
  await profiler.post('Profiler.start');
  try {
    return await run();
  } finally {
    await profiler.post('Profiler.stop').then(({ profile }) => profiles.push(profile));
  }
}

/** Writes and summarises the SDK rows' profile (several rows: their samples concatenated). */
function writeProfile(): void {
  if (profiles.length === 0) return;
  const dir = join(tmpdir(), 'mesh-momentum-bench-profiles');
  mkdirSync(dir, { recursive: true });
  profiles.forEach((profile, i) => {
    const file = join(dir, `producer-${stamp}-${i}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    summarise(file, 25, SDK_FUNCTIONS);
  });
}

/** The SDK's stages, for the inclusive times of the profile summary. */
const SDK_FUNCTIONS = [
  '#prepareSync',
  '#validate',
  'validateEvent',
  'fillDefaults',
  '#encode',
  'encodeValidated',
  'toKafkaMessage',
  '#deliver',
  'send',
  'sendBatch',
  'createProducerRequests',
];

/** Bytes of a record (key, value, header names and values), counted without allocating: it runs per event. */
function recordBytes(r: OutgoingRecord): number {
  let n = r.key.length + r.value.length;
  for (const name in r.headers) n += name.length + (r.headers[name] as string | Buffer).length;
  return n;
}

function percentile(sorted: Float64Array, p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function runSdk(batchSize: number, validateOnly: boolean, target = config): Promise<Row> {
  const producer = createMeshMomentumProducer({
    config: target,
    logger,
    source: 'urn:meshmomentum:bench',
    maxBatchSize: batchSize,
    // Above the SDK default (900 kB) so 5000-event batches are not cut by bytes; 24 domains over 6
    // partitions keep each partition's share well under the broker's 1 MiB message.max.bytes.
    maxBatchBytes: 4 * 1024 * 1024,
    maxQueuedEvents: Math.max(10_000, batchSize * 4),
    lingerMs: 5,
    validateOnly,
  });
  if (!validateOnly) await producer.connect();
  const latencies = new Float64Array(EVENTS);
  let acked = 0;
  let bytes = 0;
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < EVENTS; i++) {
    const { type, input } = pool[i % POOL] as (typeof pool)[number];
    const t0 = performance.now();
    const delivery = await producer.enqueue(type, input);
    delivery.delivered.then(
      (report) => {
        latencies[acked++] = performance.now() - t0;
        bytes += recordBytes(report.record);
      },
      () => {}, // counted in producer.stats.failed, checked below
    );
  }
  await producer.close();
  await new Promise((r) => setImmediate(r));
  const seconds = (performance.now() - started) / 1000;
  const cpuUsPerEvent = cpuPerEvent(cpuStart, EVENTS);
  if (producer.stats.delivered !== EVENTS && !validateOnly) {
    throw new Error(`delivered ${producer.stats.delivered} of ${EVENTS}: ${JSON.stringify(producer.stats)}`);
  }
  const sorted = latencies.subarray(0, acked).sort();
  return {
    kafka: target === config ? 'single' : 'cluster',
    mode: validateOnly ? 'sdk validateOnly' : 'sdk',
    batchSize,
    events: EVENTS,
    seconds,
    bytes,
    p50Ms: validateOnly ? undefined : percentile(sorted, 50),
    p99Ms: validateOnly ? undefined : percentile(sorted, 99),
    cpuUsPerEvent,
  };
}

/** The floor: kafkajs alone, same records pre-encoded, same producer settings, one request in flight. */
async function runRawKafkajs(batchSize: number, withHeaders: boolean): Promise<Row> {
  const prep = createMeshMomentumProducer({
    config,
    logger,
    validateOnly: true,
    source: 'urn:meshmomentum:bench',
  });
  const records: OutgoingRecord[] = [];
  for (let i = 0; i < POOL; i++) {
    const { type, input } = pool[i] as (typeof pool)[number];
    records.push((await prep.emit(type, input)).record);
  }
  await prep.close();
  const producer = createKafka(config.kafka, { logger }).producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  let bytes = 0;
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  for (let sent = 0; sent < EVENTS; sent += batchSize) {
    const messages = [];
    for (let i = sent; i < Math.min(EVENTS, sent + batchSize); i++) {
      const r = records[i % POOL] as OutgoingRecord;
      bytes += withHeaders ? recordBytes(r) : r.key.length + r.value.length;
      messages.push(
        withHeaders
          ? { key: r.key, value: r.value, headers: r.headers as Record<string, string> }
          : { key: r.key, value: r.value },
      );
    }
    await producer.send({ topic: config.topics.events, acks: -1, messages });
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuUsPerEvent = cpuPerEvent(cpuStart, EVENTS);
  await producer.disconnect();
  return {
    kafka: 'single',
    mode: withHeaders ? 'raw kafkajs (pre-encoded)' : 'raw kafkajs, no headers',
    batchSize,
    events: EVENTS,
    seconds,
    bytes,
    p50Ms: undefined,
    p99Ms: undefined,
    cpuUsPerEvent,
  };
}

function print(rows: readonly Row[]): void {
  const header = [
    'kafka',
    'mode',
    'batch size',
    'events',
    'seconds',
    'events/s',
    'MB/s',
    'p50 ack ms',
    'p99 ack ms',
    'CPU µs/event',
  ];
  const lines = rows.map((r) => [
    r.kafka,
    r.mode,
    String(r.batchSize),
    String(r.events),
    r.seconds.toFixed(2),
    Math.round(r.events / r.seconds).toLocaleString('en-US'),
    (r.bytes / r.seconds / 1e6).toFixed(1),
    r.p50Ms === undefined ? '-' : r.p50Ms.toFixed(1),
    r.p99Ms === undefined ? '-' : r.p99Ms.toFixed(1),
    r.cpuUsPerEvent.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const fmt = (cells: readonly string[]) => cells.map((c, i) => c.padStart(widths[i] as number)).join('  ');
  console.log(fmt(header));
  for (const l of lines) console.log(fmt(l));
}

/**
 * The SDK beside raw kafkajs on the same records (same batch size, same headers), per round: how
 * much of kafkajs' own rate the SDK keeps, and the CPU it adds per event.
 */
function printSdkShare(all: readonly Row[]): void {
  const single = all.filter((r) => r.kafka === 'single');
  const sdk = single.filter((r) => r.mode === 'sdk' && r.batchSize === 1_000);
  const raw = single.filter((r) => r.mode === 'raw kafkajs (pre-encoded)');
  const record = sdk[0];
  if (record)
    console.log(
      `\naverage record size: ${Math.round(record.bytes / record.events)} bytes (key + value + headers)`,
    );
  sdk.forEach((s, i) => {
    const r = raw[i];
    if (!r) return;
    const rate = (row: Row) => row.events / row.seconds;
    console.log(
      `round ${i + 1}: SDK ${Math.round(rate(s)).toLocaleString('en-US')} events/s = ` +
        `${((100 * rate(s)) / rate(r)).toFixed(0)}% of raw kafkajs on the same records ` +
        `(${Math.round(rate(r)).toLocaleString('en-US')}/s); CPU ${s.cpuUsPerEvent.toFixed(1)} vs ` +
        `${r.cpuUsPerEvent.toFixed(1)} µs/event`,
    );
  });
}

/** The SDK rows again on a replicated cluster: topics with its replication factor, acks=all. */
async function runOnCluster(brokers: string): Promise<Row[]> {
  const target = configFor(brokers);
  const clusterAdmin = createKafka(target.kafka, { logger }).admin();
  await clusterAdmin.connect();
  const rows: Row[] = [];
  try {
    await ensureTopics(clusterAdmin, { ...target.topics });
    const [meta] = (await clusterAdmin.fetchTopicMetadata({ topics: [target.topics.events] })).topics;
    console.log(
      `\ncluster ${brokers}: replication factor ${meta?.partitions[0]?.replicas.length ?? '?'}, acks=all`,
    );
    for (const size of BATCH_SIZES) {
      rows.push(await runSdk(size, false, target));
      print(rows.slice(-1));
    }
  } finally {
    await clusterAdmin
      .deleteTopics({ topics: [target.topics.events, target.topics.deadLetter] })
      .catch(() => {});
    await clusterAdmin.disconnect();
  }
  return rows;
}

const kafka = createKafka(config.kafka, { logger });
const admin = kafka.admin();
await admin.connect();
await ensureTopics(admin, { ...config.topics });
console.log(
  `producer benchmark: ${EVENTS} events per row, ${config.topics.partitions} partitions, ` +
    `${EVENT_TYPES.length} event types mixed, 24 domains, brokers ${config.kafka.brokers.join(',')}`,
);
const rows: Row[] = [];
try {
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
  }
  for (let round = 1; round <= ROUNDS; round++) {
    if (ROUNDS > 1) console.log(`\nround ${round} of ${ROUNDS}`);
    rows.push(await profiled(() => runSdk(1_000, true)));
    print(rows.slice(-1));
    for (const size of BATCH_SIZES) {
      rows.push(await profiled(() => runSdk(size, false)));
      print(rows.slice(-1));
    }
    rows.push(await runRawKafkajs(1_000, true));
    rows.push(await runRawKafkajs(1_000, false));
    print(rows.slice(-2));
  }
  if (cluster) rows.push(...(await runOnCluster(cluster)));
  console.log('');
  print(rows);
  printSdkShare(rows);
  writeProfile();
} finally {
  await admin.deleteTopics({ topics: [config.topics.events, config.topics.deadLetter] }).catch(() => {});
  await admin.disconnect();
}
recordBenchmark(import.meta.url);
