import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { createLogger } from '@mesh-momentum/common';
import { EventCodec, RegistryClient, registryOptionsFrom } from '@mesh-momentum/events';
import { createKafka, ensureTopics } from '@mesh-momentum/kafka';
import { AGGREGATE_FIELDS, INITIAL_NAMESPACE, keys } from '@mesh-momentum/store';
import {
  benchConfig,
  benchEnv,
  commandStats,
  deletePrefix,
  diffStats,
  flagArg,
  fmtInt,
  fmtNum,
  newStamp,
  numberArg,
  printTable,
  redisCpuSeconds,
  stringArg,
} from './support/common.ts';
import { BENCH_DOMAINS, preload, replicateEvents, simulateEvents } from './support/events.ts';
import { memoryByFamily, scopesOf, type FamilyMemory } from './support/redis-memory.ts';
import { describeCpu, ProcessorHost, type ChildReport } from './support/processor-host.ts';
import { summarise } from './support/summarise-profile.ts';
import { recordBenchmark } from './record.ts';

/**
 * Processor throughput: preloads N realistic simulated events (24 domains, Avro-encoded once each,
 * produced in large batches; not measured) into a fresh 6-partition topic, then measures ONE processor
 * instance (its own Node process) applying them from offset 0 to the end: events/s and Redis commands
 * per event, counted on the client (what the processor sends) and on the server (INFO commandstats,
 * which also counts every redis.call() inside the apply script). Then a NAIVE variant on a subset, one
 * Redis round trip per event (each record applied alone through the same ScoreStore), for the ratio.
 *
 *   pnpm bench:processor                                  # 1,000,000 events, naive on 50,000
 *   pnpm bench:processor -- --events 200000 --naive-events 20000
 *   pnpm bench:processor -- --profile                     # + CPU profile of the batch processor
 *   pnpm bench:processor -- --same-scopes-as 100000       # N events over the scopes and days of 100,000
 *                                                         # (copies under new ids): memory per event at fixed scopes
 *   pnpm bench:processor -- --experiment no-mesh-refresh,heap-mib=320  # what-if runs, see support/processor-child.ts
 *   MM_PROCESSOR_FETCH_PARTITION_MB=16 MM_PROCESSOR_FETCH_MB=48 pnpm bench:processor   # other fetch sizes
 *   pnpm bench:processor -- --kafka-cluster 127.0.0.1:29092,127.0.0.1:29093,127.0.0.1:29094
 *                                                         # + the batched run again on a 3-broker cluster
 *                                                         # (local-infra.sh kafka-cluster up; RF 3, acks=all)
 *   (or BENCH_EVENTS, BENCH_NAIVE_EVENTS, BENCH_PROFILE=1, BENCH_EXPERIMENTS, BENCH_KAFKA_CLUSTER)
 *
 * Everything is created fresh (topics, key prefix, consumer groups) and deleted at the end.
 */

const EVENTS = numberArg('events', 'BENCH_EVENTS', 1_000_000);
const NAIVE_EVENTS = Math.min(EVENTS, numberArg('naive-events', 'BENCH_NAIVE_EVENTS', 50_000));
const PROFILE = flagArg('profile', 'BENCH_PROFILE');
const EXPERIMENTS = stringArg('experiment', 'BENCH_EXPERIMENTS', '');
const SAME_SCOPES_AS = numberArg('same-scopes-as', 'BENCH_SAME_SCOPES_AS', 0);
/** Bootstrap brokers of a replicated cluster to repeat the batched run on, beside the single broker's. */
const KAFKA_CLUSTER = stringArg('kafka-cluster', 'BENCH_KAFKA_CLUSTER', '');
const GOAL_RATE = 60_000;
/** The processor's peak RSS with the default memory budget (MM_PROCESSOR_MEMORY_MB), bytes. */
const GOAL_PEAK_RSS = 512 * 1024 * 1024;
const GOAL_CLIENT_CMDS = 0.2;

const stamp = newStamp();
const envMain = benchEnv('processor', stamp, 'batch');
const envNaive = benchEnv('processor', stamp, 'naive');
const config = benchConfig(envMain);
const naiveConfig = benchConfig(envNaive);
const logger = createLogger({ name: 'bench', level: config.logLevel });
const kafka = createKafka(config.kafka, { logger });
const redis = new Redis(config.redis.url);
const profileDir = PROFILE ? join(tmpdir(), 'mesh-momentum-bench-profiles', `processor-${stamp}`) : undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });

interface Run {
  readonly name: string;
  readonly events: number;
  readonly done: ChildReport;
  /** Events/s from the first applied batch to the last (excludes process start and group join). */
  readonly rate: number;
  readonly seconds: number;
  readonly clientCommands: number;
  readonly serverCommands: Map<string, number>;
  readonly memoryBytes: number;
  readonly redisCpuSeconds: number;
  /** The processor's RSS every 2 s from its group join to the target, bytes. */
  readonly rssSamples: readonly number[];
}

async function usedMemory(): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}

async function measure(
  name: string,
  env: Record<string, string>,
  mode: 'batch' | 'naive',
  events: number,
  cpuProfDir?: string,
): Promise<Run> {
  const memBefore = await usedMemory();
  const cpuBefore = await redisCpuSeconds(redis);
  const before = await commandStats(redis);
  const host = new ProcessorHost({ env, mode, target: events, cpuProfDir, experiments: EXPERIMENTS });
  try {
    const ready = await host.next('ready', 120_000);
    console.log(`  ${name}: processor joined its group (${ready.applied} events applied so far)`);
    const rssSamples: number[] = [];
    const progress = setInterval(() => {
      const r = host.last;
      if (r) rssSamples.push(r.memory.rss);
      if (r)
        process.stdout.write(
          `\r  ${name}: ${fmtInt(r.applied + r.skipped + r.deadLettered)} / ${fmtInt(events)}`,
        );
    }, 2_000);
    const done = await host.next('done', 1_800_000).finally(() => clearInterval(progress));
    const after = await commandStats(redis);
    const memAfter = await usedMemory();
    const cpuAfter = await redisCpuSeconds(redis);
    process.stdout.write('\n');
    const serverCommands = diffStats(before, after);
    serverCommands.delete('info'); // this driver's own INFO calls
    const seconds = ((done.doneAt as number) - (done.firstAt as number)) / 1000;
    return {
      name,
      events,
      done,
      seconds,
      rate: (events - done.firstCount) / seconds,
      clientCommands: Object.values(done.clientCommands).reduce((a, b) => a + b, 0),
      serverCommands,
      memoryBytes: memAfter - memBefore,
      redisCpuSeconds: cpuAfter - cpuBefore,
      rssSamples,
    };
  } finally {
    await host.stop();
  }
}

/** The events to apply (seeded: the same list each time it is asked for). */
function benchEvents(): ReturnType<typeof simulateEvents> {
  return SAME_SCOPES_AS > 0
    ? replicateEvents(simulateEvents(Math.min(SAME_SCOPES_AS, EVENTS)), EVENTS)
    : simulateEvents(EVENTS);
}

/**
 * The batched run again with the events on a replicated cluster (`--kafka-cluster`): topics with the
 * cluster's replication factor, preloaded with acks=all, applied by one processor instance as above.
 */
async function measureOnCluster(brokers: string, codec: EventCodec): Promise<Run> {
  const env = { ...benchEnv('processor', stamp, 'cluster'), MM_KAFKA_BROKERS: brokers };
  const clusterConfig = benchConfig(env);
  const clusterKafka = createKafka(clusterConfig.kafka, { logger });
  const clusterAdmin = clusterKafka.admin();
  await clusterAdmin.connect();
  try {
    await ensureTopics(clusterAdmin, { ...clusterConfig.topics });
    const [meta] = (await clusterAdmin.fetchTopicMetadata({ topics: [clusterConfig.topics.events] })).topics;
    const loaded = await preload(clusterKafka, codec, clusterConfig.topics.events, benchEvents(), {});
    console.log(
      `
applying from a ${brokers.split(',').length}-broker cluster (${brokers}, replication factor ` +
        `${meta?.partitions[0]?.replicas.length ?? '?'}); preload ${fmtInt(loaded.events / loaded.totalSeconds)} events/s`,
    );
    const run = await measure('batched, Kafka cluster', env, 'batch', EVENTS);
    const inRedis = await appliedInRedis(clusterConfig.redis.keyPrefix);
    console.log(`  check: Redis holds ${fmtInt(inRedis)} applied events (expected ${fmtInt(EVENTS)})`);
    return run;
  } finally {
    await clusterAdmin.deleteTopics({
      topics: [clusterConfig.topics.events, clusterConfig.topics.deadLetter],
    });
    await clusterAdmin.deleteGroups([clusterConfig.processor.groupId]).catch(() => undefined);
    await clusterAdmin.disconnect();
    await deletePrefix(redis, clusterConfig.redis.keyPrefix);
  }
}

/** Sum of the domains' event counts in Redis: every event applied exactly once? */
async function appliedInRedis(prefix: string): Promise<number> {
  const ks = { prefix, namespace: INITIAL_NAMESPACE };
  const counts = await Promise.all(
    BENCH_DOMAINS.map(({ domain }) =>
      redis.hget(keys.scopeAggregate(ks, domain, { kind: 'domain' }), AGGREGATE_FIELDS.eventCount),
    ),
  );
  return counts.reduce((a, c) => a + Number(c ?? 0), 0);
}

const admin = kafka.admin();
await admin.connect();
const runs: Run[] = [];
let families: readonly FamilyMemory[] | undefined;
try {
  await ensureTopics(admin, { ...config.topics });
  console.log(
    `processor benchmark: ${fmtInt(EVENTS)} events (naive variant: ${fmtInt(NAIVE_EVENTS)}), topic ` +
      `${config.topics.events} (${config.topics.partitions} partitions), ${BENCH_DOMAINS.length} domains, ` +
      `brokers ${config.kafka.brokers.join(',')}, redis ${config.redis.url.replace(/\/\/[^@]*@/, '//')}`,
  );

  // ---- preload (not measured) -------------------------------------------------------------------
  let t0 = performance.now();
  let events: ReturnType<typeof simulateEvents> | undefined = benchEvents();
  const simulateSeconds = (performance.now() - t0) / 1000;
  const types = new Map<string, number>();
  for (const e of events) types.set(e.type, (types.get(e.type) ?? 0) + 1);
  t0 = performance.now();
  const codec = new EventCodec(new RegistryClient(registryOptionsFrom(config)));
  const loaded = await preload(kafka, codec, config.topics.events, events, {
    onProgress: (n) => {
      if (n % 100_000 < 2_000) process.stdout.write(`\r  preload: ${fmtInt(n)} / ${fmtInt(EVENTS)}`);
    },
  });
  events = undefined;
  process.stdout.write('\n');
  console.log(
    `preload: simulated in ${simulateSeconds.toFixed(1)} s; validated + encoded + produced ` +
      `${fmtInt(loaded.events)} events (${(loaded.bytes / loaded.events).toFixed(0)} B avg value) in ` +
      `${loaded.totalSeconds.toFixed(1)} s (encode ${loaded.encodeSeconds.toFixed(1)} s), ` +
      `${fmtInt(loaded.events / loaded.totalSeconds)} events/s`,
  );
  console.log(
    `  event mix: ${[...types]
      .sort((a, b) => b[1] - a[1])
      .map(([t, n]) => `${t} ${((100 * n) / EVENTS).toFixed(1)}%`)
      .join(', ')}`,
  );

  // ---- measured runs ----------------------------------------------------------------------------
  if (EXPERIMENTS)
    console.log(`\nEXPERIMENT: the processor runs with ${EXPERIMENTS} (not the committed code path)`);
  console.log('\napplying with one processor instance (batched: the real Processor)');
  runs.push(
    await measure(KAFKA_CLUSTER ? 'batched, single broker' : 'batched', envMain, 'batch', EVENTS, profileDir),
  );
  const inRedis = await appliedInRedis(config.redis.keyPrefix);
  console.log(`  check: Redis holds ${fmtInt(inRedis)} applied events (expected ${fmtInt(EVENTS)})`);
  families = await memoryByFamily(redis, config.redis.keyPrefix);

  console.log('\napplying with a naive consumer (eachMessage, each event alone through the same ScoreStore)');
  runs.push(await measure('naive (1 event per round trip)', envNaive, 'naive', NAIVE_EVENTS));
  const naiveInRedis = await appliedInRedis(naiveConfig.redis.keyPrefix);
  console.log(
    `  check: Redis holds ${fmtInt(naiveInRedis)} applied events (expected ≥ ${fmtInt(NAIVE_EVENTS)})`,
  );
  if (KAFKA_CLUSTER) runs.push(await measureOnCluster(KAFKA_CLUSTER, codec));
} finally {
  await admin.deleteTopics({ topics: [config.topics.events, config.topics.deadLetter] }).catch(() => {});
  await admin.deleteGroups([config.processor.groupId, naiveConfig.processor.groupId]).catch(() => undefined);
  await admin.disconnect();
  const deleted =
    (await deletePrefix(redis, config.redis.keyPrefix)) +
    (await deletePrefix(redis, naiveConfig.redis.keyPrefix));
  console.log(`\ncleanup: topics and consumer groups deleted, ${fmtInt(deleted)} Redis keys unlinked`);
}

// ---- report -------------------------------------------------------------------------------------
console.log('\nresults');
printTable(
  [
    'variant',
    'events',
    'seconds',
    'events/s',
    'client cmds/event',
    'all cmds/event',
    'in-script cmds/event',
    'batches',
    'events/batch',
    'apply share',
    'redis CPU',
  ],
  runs.map((r) => {
    const server = [...r.serverCommands.values()].reduce((a, b) => a + b, 0);
    return [
      r.name,
      fmtInt(r.events),
      fmtNum(r.seconds, 2),
      fmtInt(r.rate),
      fmtNum(r.clientCommands / r.events, 4),
      fmtNum(server / r.events, 2),
      fmtNum((server - r.clientCommands) / r.events, 2),
      fmtInt(r.done.batches),
      fmtNum(r.events / Math.max(1, r.done.batches), 0),
      `${fmtNum((100 * r.done.applyMs) / 1000 / r.seconds, 0)}%`,
      `${fmtNum((100 * r.redisCpuSeconds) / r.seconds, 0)}%`,
    ];
  }),
);
const [batched, naive] = runs;
if (batched && naive) console.log(`\nbatched / naive rate: ${fmtNum(batched.rate / naive.rate, 1)}×`);
for (const r of runs) {
  console.log(`\n${r.name}:`);
  console.log(
    `  client commands: ${Object.entries(r.done.clientCommands)
      .sort((a, b) => b[1] - a[1])
      .map(([c, n]) => `${c} ${fmtInt(n)}`)
      .join(', ')}`,
  );
  console.log(
    `  server commands (INFO commandstats delta, incl. inside scripts; the Redis server is shared, so ` +
      `other clients' commands would show here too): ${[...r.serverCommands]
        .slice(0, 12)
        .map(([c, n]) => `${c} ${fmtNum(n / r.events, 3)}/event`)
        .join(', ')}`,
  );
  console.log(
    `  consumer Kafka requests: ${Object.entries(r.done.kafkaRequests)
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(([api, { count, ms }]) => `${api} ${fmtInt(count)}× avg ${fmtNum(ms / count, 1)} ms`)
      .join(', ')}`,
  );
  console.log(
    `  Redis memory growth: ${fmtNum(r.memoryBytes / 1e6, 1)} MB (${fmtNum(r.memoryBytes / r.events, 0)} B/event)`,
  );
}
if (batched && families) printMemory(batched, families);
if (batched) {
  const ok = (b: boolean) => (b ? 'met' : 'MISSED');
  console.log(
    `\ngoals: ≥ ${fmtInt(GOAL_RATE)} events/s: ${ok(batched.rate >= GOAL_RATE)}; ` +
      `≤ ${GOAL_CLIENT_CMDS} client-issued Redis commands/event: ${ok(batched.clientCommands / batched.events <= GOAL_CLIENT_CMDS)}; ` +
      `peak RSS ≤ ${fmtInt(GOAL_PEAK_RSS / 2 ** 20)} MiB: ${ok(batched.done.memory.peakRss <= GOAL_PEAK_RSS)}`,
  );
}
if (profileDir) {
  const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
  for (const f of files) summarise(join(profileDir, f), 30);
}
recordBenchmark(import.meta.url);
redis.disconnect();

/**
 * Where Redis memory goes after the batched run (MEMORY USAGE per key, by family), per applied event and
 * per scope; the `seen` hashes (de-duplication) expire, everything else is kept. Then the processor's own
 * memory when it reached the target.
 */
function printMemory(run: Run, byFamily: readonly FamilyMemory[]): void {
  const scopes = scopesOf(byFamily);
  const total = byFamily.reduce((n, f) => n + f.bytes, 0);
  const seen = byFamily.find((f) => f.family === 'seen')?.bytes ?? 0;
  console.log(
    `\nRedis memory after the batched run (MEMORY USAGE by key family; ${fmtInt(scopes)} scopes, ` +
      `${fmtInt(run.events)} events${SAME_SCOPES_AS > 0 ? `, scopes and days of ${fmtInt(SAME_SCOPES_AS)} events` : ''})`,
  );
  printTable(
    ['family', 'keys', 'MB', 'B/event', 'B/scope'],
    byFamily
      .filter((f) => f.bytes >= total / 1000)
      .map((f) => [
        f.family,
        fmtInt(f.keys),
        fmtNum(f.bytes / 1e6, 1),
        fmtNum(f.bytes / run.events, 1),
        fmtNum(f.bytes / scopes, 0),
      ]),
  );
  console.log(
    `  total ${fmtNum(total / 1e6, 1)} MB: ${fmtNum(total / run.events, 0)} B/event; kept (all but seen) ` +
      `${fmtNum((total - seen) / run.events, 0)} B/event = ${fmtNum((total - seen) / scopes, 0)} B/scope; ` +
      `seen (expires after the de-duplication window) ${fmtNum(seen / run.events, 0)} B/event`,
  );
  const m = run.done.memory;
  const mb = (b: number) => `${fmtNum(b / 1e6, 0)} MB`;
  console.log(
    `processor memory at the target: RSS ${mb(m.rss)} (peak ${mb(m.peakRss)}), JS heap used ${mb(m.heapUsed)} ` +
      `of ${mb(m.heapTotal)}, external ${mb(m.external)} (array buffers ${mb(m.arrayBuffers)})`,
  );
  const kept = run.done.retained;
  if (kept) {
    console.log(
      `  after a full GC: RSS ${mb(kept.rss)}, JS heap used ${mb(kept.heapUsed)} of ${mb(kept.heapTotal)}, ` +
        `external ${mb(kept.external)}`,
    );
  }
  console.log(`  RSS over the run (every 2 s): ${run.rssSamples.map((b) => mb(b)).join(', ')}`);
  console.log(`  ${describeCpu(run.done, run.events - run.done.firstCount)}`);
  const mirror = run.done.mirror;
  if (mirror) {
    console.log(
      `  mirrors: ${fmtInt(mirror.domains)} domains, ${fmtInt(mirror.scopes)} scopes, ` +
        `${fmtInt(mirror.dayBuckets)} day buckets, ${fmtInt(mirror.standingEntries)} standing entries`,
    );
  }
}
