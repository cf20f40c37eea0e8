import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { toScoringEvent, validateEvent } from '@mesh-momentum/events';
import { DEFAULT_SCORING_CONFIG } from '@mesh-momentum/scoring';
import {
  DEFAULT_DEDUP_WINDOW_DAYS,
  planDomainBatch,
  ScoreStore,
  type BatchEvent,
  type ScopeMirror,
} from '@mesh-momentum/store-writer';
import {
  benchConfig,
  benchEnv,
  commandTimes,
  cpuMicrosSince,
  deletePrefix,
  flagArg,
  fmtInt,
  fmtNum,
  newStamp,
  numberArg,
  redisCpuSeconds,
} from './support/common.ts';
import { simulateEvents } from './support/events.ts';

/**
 * Micro-benchmark of the processor's apply path, without Kafka: N simulated events (the processor
 * benchmark's mesh) are split into partition batches the way `bench:processor` sees them (a domain's
 * events on one of 6 partitions, time order, `--batch` events per partition batch), then
 *
 *   node --conditions=@mesh-momentum/source bench/apply-plan.micro.ts
 *       plans every domain's share of every batch (planDomainBatch, no I/O) into in-memory mirrors and
 *       prints the CPU time per event of planning and the payload bytes per event;
 *   node --conditions=@mesh-momentum/source bench/apply-plan.micro.ts --redis
 *       applies the batches through ScoreStore to the processor's Redis (MM_REDIS_URL; a fresh key
 *       prefix, deleted at the end) and prints the Node CPU and the Redis server CPU (INFO cpu) per
 *       event and the commands per event.
 *
 * Options: --events N (200000), --batch N (9091), --partitions N (6), --rounds N (plan only: repeat the
 * whole stream into fresh mirrors N times and keep the fastest, 3), --interval-ms N (0): how far each
 * partition batch's asOfMs is after the previous one's, as in a live stream (0: all scored as of one
 * instant, so scores that no event moved stay the same). `--batch 958 --interval-ms 16` is the latency
 * benchmark's 10k events/s: ~958-event partition batches (~240 events per domain), one every ~16 ms
 * across the 6 partitions. The Redis server's CPU is its own
 * process's (INFO cpu): other clients of the same Redis inflate it, and its background saves are not in it.
 */

const EVENTS = numberArg('events', 'BENCH_EVENTS', 200_000);
const BATCH = numberArg('batch', 'BENCH_BATCH', 9_091);
const PARTITIONS = numberArg('partitions', 'BENCH_PARTITIONS', 6);
const ROUNDS = numberArg('rounds', 'BENCH_ROUNDS', 3);
const INTERVAL_MS = numberArg('interval-ms', 'BENCH_INTERVAL_MS', 0);
const WITH_REDIS = flagArg('redis', 'BENCH_REDIS');
const DEDUP_WINDOW_MS = DEFAULT_DEDUP_WINDOW_DAYS * 86_400_000;
const config = DEFAULT_SCORING_CONFIG;

interface Batch {
  readonly partition: number;
  readonly byDomain: Map<string, BatchEvent[]>;
  readonly size: number;
  /** Position of the batch in its partition. */
  readonly index: number;
}

/** The simulated events as the processor decodes them, cut into partition batches in time order. */
function partitionBatches(): Batch[] {
  const nowMs = Date.now();
  const streams: BatchEvent[][] = Array.from({ length: PARTITIONS }, () => []);
  const partitionOf = new Map<string, number>();
  for (const raw of simulateEvents(EVENTS, 7, nowMs)) {
    const event = toScoringEvent(validateEvent(raw, { nowMs, maxFutureSkewMs: 300_000 }));
    let partition = partitionOf.get(event.domain);
    if (partition === undefined) partitionOf.set(event.domain, (partition = partitionOf.size % PARTITIONS));
    const stream = streams[partition] as BatchEvent[];
    stream.push({
      offset: String(stream.length),
      recordTimeMs: nowMs,
      dedupKey: `${event.source}|${event.id}`,
      event,
    });
  }
  const batches: Batch[] = [];
  for (const [partition, stream] of streams.entries()) {
    for (let from = 0; from < stream.length; from += BATCH) {
      const byDomain = new Map<string, BatchEvent[]>();
      const slice = stream.slice(from, from + BATCH);
      for (const e of slice) {
        let list = byDomain.get(e.event.domain);
        if (!list) byDomain.set(e.event.domain, (list = []));
        list.push(e);
      }
      batches.push({ partition, byDomain, size: slice.length, index: from / BATCH });
    }
  }
  // Interleaved across partitions, as the consumer fetches them.
  return batches.sort((a, b) => a.index - b.index || a.partition - b.partition);
}

/** Plans every batch into fresh mirrors; CPU ms and payload bytes of the whole stream. */
function planAll(
  batches: readonly Batch[],
  asOfMs: number,
): { cpuMs: number; wallMs: number; bytes: number } {
  const mirrors = new Map<string, { scopes: Map<string, ScopeMirror>; version: number; seq: number }>();
  const keySpace = { prefix: 'bench-apply-micro', namespace: 'v1' };
  let bytes = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (const [at, batch] of batches.entries()) {
    for (const [domain, events] of batch.byDomain) {
      let mirror = mirrors.get(domain);
      if (!mirror) mirrors.set(domain, (mirror = { scopes: new Map(), version: 0, seq: 0 }));
      const plan = planDomainBatch({
        keySpace,
        domain,
        topic: 'events',
        partition: batch.partition,
        epoch: 1,
        dedupWindowMs: DEDUP_WINDOW_MS,
        version: mirror.version,
        seq: mirror.seq,
        asOfMs: asOfMs + at * INTERVAL_MS,
        config,
        events,
        mirror: mirror.scopes,
      });
      mirror.version += 1;
      mirror.seq += 1;
      bytes += plan.payload.length;
    }
  }
  return { cpuMs: cpuMicrosSince(c0) / 1000, wallMs: performance.now() - t0, bytes };
}

async function applyAll(batches: readonly Batch[], asOfMs: number): Promise<void> {
  const { url, keyPrefix: prefix } = benchConfig(benchEnv('apply-plan', newStamp())).redis;
  const redis = new Redis(url);
  const admin = new Redis(url);
  try {
    const store = new ScoreStore(redis, { prefix, namespace: 'v1' }, config);
    const topic = 'events';
    const epochs = new Map<number, number>();
    for (let p = 0; p < PARTITIONS; p++) epochs.set(p, await store.takeEpoch(topic, p));
    const statsBefore = await commandTimes(admin);
    const redisBefore = await redisCpuSeconds(admin);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let applied = 0;
    for (const [at, batch] of batches.entries()) {
      const result = await store.applyPartitionBatch({
        topic,
        partition: batch.partition,
        epoch: epochs.get(batch.partition) as number,
        asOfMs: asOfMs + at * INTERVAL_MS,
        byDomain: batch.byDomain,
      });
      applied += result.applied;
    }
    const nodeMs = cpuMicrosSince(c0) / 1000;
    const wallMs = performance.now() - t0;
    const redisMs = ((await redisCpuSeconds(admin)) - redisBefore) * 1000;
    const statsAfter = await commandTimes(admin);
    const commands = [...statsAfter]
      .map(([c, { calls, usec }]) => {
        const before = statsBefore.get(c) ?? { calls: 0, usec: 0 };
        return [c, calls - before.calls, usec - before.usec] as const;
      })
      .filter(([, calls]) => calls > 0)
      .sort((a, b) => b[2] - a[2]);
    console.log(
      `applied ${fmtInt(applied)} of ${fmtInt(EVENTS)} events in ${batches.length} partition batches: ${fmtInt((applied / wallMs) * 1000)} events/s (one batch at a time)`,
    );
    console.log(
      `Node CPU ${fmtNum((nodeMs * 1000) / applied, 2)} µs/event; Redis server CPU ${fmtNum((redisMs * 1000) / applied, 2)} µs/event`,
    );
    const script = new Set(['evalsha', 'eval']);
    const total = commands.filter(([c]) => !script.has(c)).reduce((a, [, n]) => a + n, 0);
    console.log(
      `Redis commands/event, those inside the scripts included (the script calls not) ${fmtNum(total / applied, 3)}; load ${readFileSync('/proc/loadavg', 'utf8').trim()}`,
    );
    console.log(
      "command        calls/event   µs/event (INFO commandstats; a script's time includes its calls)",
    );
    for (const [c, calls, usec] of commands.slice(0, 12))
      console.log(
        `${c.padEnd(14)} ${fmtNum(calls / applied, 4).padStart(11)}   ${fmtNum(usec / applied, 2).padStart(8)}`,
      );
  } finally {
    await deletePrefix(admin, prefix);
    redis.disconnect();
    admin.disconnect();
  }
}

const batches = partitionBatches();
const asOfMs = Date.now();
console.log(`${fmtInt(EVENTS)} events, ${batches.length} partition batches of ≤ ${fmtInt(BATCH)} events`);
if (WITH_REDIS) {
  await applyAll(batches, asOfMs);
} else {
  let best: ReturnType<typeof planAll> | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    const run = planAll(batches, asOfMs);
    console.log(
      `round ${round + 1}: planning ${fmtNum((run.cpuMs * 1000) / EVENTS, 2)} µs CPU/event (wall ${fmtNum((run.wallMs * 1000) / EVENTS, 2)} µs), payload ${fmtNum(run.bytes / EVENTS, 1)} B/event`,
    );
    if (!best || run.cpuMs < best.cpuMs) best = run;
  }
  console.log(
    `best: ${fmtNum(((best as ReturnType<typeof planAll>).cpuMs * 1000) / EVENTS, 2)} µs CPU/event of planning`,
  );
}
