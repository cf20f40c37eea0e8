import {
  monitorEventLoopDelay,
  performance,
  PerformanceObserver,
  constants as perfConstants,
} from 'node:perf_hooks';
import { Redis } from 'ioredis';
import type { Kafka } from 'kafkajs';
import { createLogger } from '@mesh-momentum/common';
import { EventCodec, RegistryClient, registryOptionsFrom } from '@mesh-momentum/events';
import { createKafka } from '@mesh-momentum/kafka';
import {
  decodeBatch,
  eventTimeRangeOf,
  loadProcessorConfig,
  loadScoringConfig,
  Processor,
} from '@mesh-momentum/processor';
import type { ScoringConfig } from '@mesh-momentum/scoring';
import { INITIAL_NAMESPACE } from '@mesh-momentum/store';
import { ScoreStore, type MirrorStats } from '@mesh-momentum/store-writer';
import type { ChildReport, ParentMessage } from './processor-host.ts';

/**
 * One processor in its own Node process (so the benchmark driver, its producer and subscriber do not
 * share its event loop, and `--cpu-prof` profiles the processor alone). Configured by MM_* variables;
 * BENCH_MODE=batch runs the real Processor, BENCH_MODE=naive a one-event-per-round-trip consumer that
 * applies each record alone through the same ScoreStore. Reports progress over IPC every few ms and once
 * BENCH_TARGET events (applied + skipped + dead-lettered) are reached; stops on {type:'stop'}.
 *
 * BENCH_EXPERIMENTS (comma-separated, off by default) changes the processor at run time, without editing
 * it, to measure what a proposed fix would gain:
 *   no-mesh-refresh  ScoreStore.refreshMesh does nothing (the mesh-wide refresh after batches and ticks)
 *   heap-mib=N       the child runs with --max-old-space-size=N (set by processor-host.ts)
 *   semi-mib=N       the child runs with --max-semi-space-size=N (set by processor-host.ts)
 */

const mode = process.env['BENCH_MODE'] ?? 'batch';
const target = Number(process.env['BENCH_TARGET'] ?? 0);
const experiments = new Set((process.env['BENCH_EXPERIMENTS'] ?? '').split(',').filter(Boolean));
const config = loadProcessorConfig(process.env);
const logger = createLogger({ name: 'bench-processor', level: config.logLevel });

function send(report: ChildReport): void {
  process.send?.(report);
}

// Every command this process sends to Redis (pipelined or not), counted on the client: exact, and
// independent of anything else using the same Redis server.
const redis = new Redis(config.redis.url);
const clientCommands = new Map<string, number>();
const sendCommand = redis.sendCommand.bind(redis);
redis.sendCommand = ((command: { name: string }, ...rest: unknown[]) => {
  clientCommands.set(command.name, (clientCommands.get(command.name) ?? 0) + 1);
  return (sendCommand as (...a: unknown[]) => unknown)(command, ...rest);
}) as typeof redis.sendCommand;

// Kafka requests of the processor's consumer (fetch, offset commit, heartbeat), with their durations.
const kafkaRequests = new Map<string, { count: number; ms: number }>();
const baseKafka = createKafka(config.kafka, { logger });
const kafka: Kafka = Object.create(baseKafka) as Kafka;
kafka.consumer = (cfg) => {
  const consumer = baseKafka.consumer(cfg);
  consumer.on(consumer.events.REQUEST, ({ payload }) => {
    const r = kafkaRequests.get(payload.apiName) ?? { count: 0, ms: 0 };
    r.count += 1;
    r.ms += payload.duration;
    kafkaRequests.set(payload.apiName, r);
  });
  return consumer;
};

const codec = new EventCodec(new RegistryClient(registryOptionsFrom(config)));
const scoring: ScoringConfig = loadScoringConfig(config.scoringConfigFile);
await redis.set(`${config.redis.keyPrefix}:namespace`, INITIAL_NAMESPACE, 'NX');

const counters = { applied: 0, skipped: 0, deadLettered: 0, batches: 0 };
let applyMs = 0;
let firstAt: number | undefined;
let firstCount = 0;
let doneAt: number | undefined;
let stop: () => Promise<void>;
let ready: () => Promise<boolean>;
let mirrorStats: () => MirrorStats | undefined = () => undefined;

function timeApply(store: ScoreStore): void {
  const apply = store.applyPartitionBatch.bind(store);
  store.applyPartitionBatch = async (batch) => {
    const t0 = performance.now();
    try {
      return await apply(batch);
    } finally {
      applyMs += performance.now() - t0;
    }
  };
}

if (mode === 'batch') {
  const processor = new Processor({
    config,
    scoring,
    kafka,
    redis,
    codec,
    logger,
    namespace: INITIAL_NAMESPACE,
  });
  timeApply(processor.store);
  mirrorStats = () => processor.store.mirrorStats();
  if (experiments.has('no-mesh-refresh')) processor.store.refreshMesh = () => Promise.resolve();
  await processor.start();
  // The processor's own counters, shared by reference.
  Object.defineProperty(counters, 'live', { value: processor.stats });
  stop = () => processor.stop();
  ready = async () => (await processor.health.ready()).ready;
} else {
  const store = new ScoreStore(
    redis,
    { prefix: config.redis.keyPrefix, namespace: INITIAL_NAMESPACE },
    scoring,
  );
  timeApply(store);
  const epochs = new Map<number, number>();
  const consumer = kafka.consumer({ groupId: config.processor.groupId, maxWaitTimeInMs: 50 });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  await consumer.connect();
  await consumer.subscribe({ topic: config.topics.events, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      if (doneAt !== undefined) return;
      let epoch = epochs.get(partition);
      if (epoch === undefined) epochs.set(partition, (epoch = await store.takeEpoch(topic, partition)));
      const now = Date.now();
      const decoded = await decodeBatch(codec, [message], {
        maxFutureSkewMs: config.maxFutureSkewMs,
        timeRange: eventTimeRangeOf(scoring),
      });
      counters.deadLettered += decoded.rejected.length;
      if (decoded.byDomain.size > 0) {
        const r = await store.applyPartitionBatch({
          topic,
          partition,
          epoch,
          asOfMs: now,
          byDomain: decoded.byDomain,
        });
        counters.applied += r.applied;
        counters.skipped += r.skipped;
      }
      counters.batches += 1;
    },
  });
  stop = () => consumer.disconnect();
  ready = () => Promise.resolve(joined);
}

const live = (counters as { live?: typeof counters }).live ?? counters;

/** Memory after a full collection (the child runs with --expose-gc): what is really retained. */
function retainedMemory(): NodeJS.MemoryUsage | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return undefined;
  gc();
  return process.memoryUsage();
}

function report(type: ChildReport['type']): void {
  const memory = { ...process.memoryUsage(), peakRss: Math.max(peakRss, process.memoryUsage.rss()) };
  send({
    type,
    at: Date.now(),
    firstAt,
    firstCount,
    doneAt,
    applied: live.applied,
    skipped: live.skipped,
    deadLettered: live.deadLettered,
    batches: live.batches,
    applyMs,
    cpu: cpuSinceFirst(),
    clientCommands: Object.fromEntries(clientCommands),
    kafkaRequests: Object.fromEntries(kafkaRequests),
    memory,
    ...(type === 'done' ? { retained: retainedMemory(), mirror: mirrorStats() } : {}),
  });
}

// CPU (user + system, all threads: GC helpers included) and GC pauses on the main thread, from the
// first applied event on: the cost per event, which other work on the machine moves far less than the
// rate or the latency.
const GC_MINOR = perfConstants.NODE_PERFORMANCE_GC_MINOR;
const gc = { pauseMs: 0, minor: 0, major: 0 };
new PerformanceObserver((list) => {
  if (firstAt === undefined) return;
  for (const entry of list.getEntries()) {
    gc.pauseMs += entry.duration;
    if ((entry as { detail?: { kind?: number } }).detail?.kind === GC_MINOR) gc.minor += 1;
    else gc.major += 1;
  }
}).observe({ entryTypes: ['gc'] });
// How long ready callbacks (a Redis reply, a Kafka response, a timer) wait behind synchronous work such
// as decoding or planning a large batch, sampled every 10 ms from the first applied event on.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
let cpuAtFirst: NodeJS.CpuUsage | undefined;
let cpuAtDone: NodeJS.CpuUsage | undefined;
function cpuSinceFirst(): ChildReport['cpu'] {
  if (cpuAtFirst === undefined) return undefined;
  const used = process.cpuUsage(cpuAtFirst);
  const upTo = cpuAtDone
    ? { user: cpuAtDone.user - cpuAtFirst.user, system: cpuAtDone.system - cpuAtFirst.system }
    : used;
  return {
    userMs: upTo.user / 1000,
    systemMs: upTo.system / 1000,
    gcPauseMs: gc.pauseMs,
    minorGcs: gc.minor,
    majorGcs: gc.major,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    loopDelayMaxMs: loopDelay.max / 1e6,
  };
}

// Sampled every 100 ms: RSS peaks while a fetch response is decoded and applied.
let peakRss = 0;
const rssSampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);

while (!(await ready())) await new Promise((r) => setTimeout(r, 20));
report('ready');

const poll = setInterval(() => {
  const seen = live.applied + live.skipped + live.deadLettered;
  if (firstAt === undefined && seen > 0) {
    firstAt = Date.now();
    firstCount = seen;
    cpuAtFirst = process.cpuUsage();
    loopDelay.enable();
  }
  if (doneAt === undefined && target > 0 && seen >= target) {
    doneAt = Date.now();
    cpuAtDone = process.cpuUsage();
    loopDelay.disable();
    report('done');
  }
}, 2);
const progress = setInterval(() => report('progress'), 1_000);

process.on('message', (message: ParentMessage) => {
  if (message.type !== 'stop') return;
  clearInterval(poll);
  clearInterval(progress);
  clearInterval(rssSampler);
  void (async () => {
    report('stopped');
    await stop().catch(() => undefined);
    redis.disconnect();
    // A normal exit, so --cpu-prof writes its profile.
    process.exit(0);
  })();
});
