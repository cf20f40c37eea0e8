import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@mesh-momentum/common';
import { createKafka, ensureTopics } from '@mesh-momentum/kafka';
import { EMPTY_GATEWAY_FILE, loadIngestConfig, startGateway, tokenSources } from '@mesh-momentum/ingest';
import { generateToken, parseTokenHash } from '@mesh-momentum/service-kit';
import { createLogger } from '@mesh-momentum/common';
import { recordBenchmark } from './record.ts';
import { flagArg, numberArg } from './support/common.ts';
import { runLoad } from './support/load.ts';
import { summarise } from './support/summarise-profile.ts';

/**
 * Ingest gateway throughput on loopback with autocannon: single-event requests (`POST /v1/events`,
 * requests/s and latency percentiles) and batches (`POST /v1/events/batch`, events/s). Every 202 means
 * Kafka acknowledged (acks=all) — the gateway runs in this process on the Kafka, registry and Redis of
 * MM_* (the shared local services), so load generator, gateway, Kafka and Redis share the machine.
 * autocannon runs in a child process, so `cpu µs/event` is the gateway process's own CPU time (HTTP,
 * auth, rate budget, validation, Avro, kafkajs, ioredis) per acknowledged event.
 *
 *   pnpm bench:ingest                                   # 10 s per mode
 *   BENCH_SECONDS=5 BENCH_CONNECTIONS=64 BENCH_BATCH=1000 BENCH_BATCH_CONNECTIONS=4 pnpm bench:ingest
 *   pnpm bench:ingest -- --profile                      # + a CPU profile of the gateway per mode
 *   pnpm bench:ingest -- --no-kafka                     # the gateway's own ceiling: no Kafka (see below)
 *
 * `--no-kafka` gives the SDK producer a transport that acknowledges every batch at once, so the figures
 * are those of HTTP, auth, rate budgets, validation and Avro alone: a diagnostic, not the goal's figure.
 *
 * Writes to a fresh topic bench.ingest.<time>.events (deleted at the end).
 */
const SECONDS = numberArg('seconds', 'BENCH_SECONDS', 10);
const CONNECTIONS = numberArg('connections', 'BENCH_CONNECTIONS', 64);
const BATCH = numberArg('batch', 'BENCH_BATCH', 1000);
/** Few connections for batches: each holds BATCH events in the producer's bounded queue. */
const BATCH_CONNECTIONS = numberArg('batch-connections', 'BENCH_BATCH_CONNECTIONS', 4);
const PROFILE = flagArg('profile', 'BENCH_PROFILE');
const NO_KAFKA = flagArg('no-kafka', 'BENCH_NO_KAFKA');
/** Functions of the gateway's request path whose inclusive time the profile summary shows. */
const GATEWAY_FUNCTIONS = [
  'verify',
  'take',
  'prepare',
  'publishAll',
  'publishEach',
  'enqueue',
  'validateEvent',
  'encodeValidated',
  'sendRequest',
];

const {
  BENCH_SECONDS: _s,
  BENCH_CONNECTIONS: _c,
  BENCH_BATCH: _b,
  BENCH_BATCH_CONNECTIONS: _bc,
  ...env
} = process.env;
const stamp = Date.now().toString(36);
const benchEnv = {
  ...Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('MM_TOPIC_'))),
  MM_TOPIC_EVENTS: `bench.ingest.${stamp}.events`,
  MM_TOPIC_DLQ: `bench.ingest.${stamp}.dlq`,
  MM_REDIS_KEY_PREFIX: `bench-ingest-${stamp}`,
  MM_LOG_LEVEL: process.env['MM_LOG_LEVEL'] ?? 'error',
  MM_INGEST_HTTP_PORT: '0',
  MM_INGEST_OPS_PORT: '0',
  MM_INGEST_RATE_LIMIT_MAX: '10000000',
  MM_INGEST_BODY_LIMIT_BYTES: String(8 * 1024 * 1024),
  MM_INGEST_BATCH_MAX_EVENTS: String(Math.max(BATCH, 5000)),
};
const shared = loadConfig(
  Object.fromEntries(Object.entries(benchEnv).filter(([k]) => !k.startsWith('MM_INGEST_'))),
);
const logger = createLogger({ name: 'bench', level: shared.logLevel });

const kafka = createKafka(shared.kafka, { logger });
const admin = kafka.admin();
await admin.connect();
await ensureTopics(admin, { ...shared.topics });

const { token, hash } = generateToken('bench');
/** Acknowledges every batch at once (`--no-kafka`). */
const noKafka = { connect: async () => {}, send: async () => {}, disconnect: async () => {} };
const gateway = await startGateway(loadIngestConfig(benchEnv), {
  logger,
  ...(NO_KAFKA ? { transport: noKafka } : {}),
  file: {
    ...EMPTY_GATEWAY_FILE,
    tokens: [
      {
        id: 'bench',
        ...(parseTokenHash(hash) as NonNullable<ReturnType<typeof parseTokenHash>>),
        eventTypes: new Set(['*']),
        domains: new Set(['*']),
        admin: false,
        ...tokenSources('bench', undefined),
      },
    ],
  },
});

const time = new Date(Date.now() - 3_600_000).toISOString();
/** One event; `[<id>]` is replaced by autocannon with a fresh id per request. */
const event = (suffix: string, i: number) =>
  JSON.stringify({
    id: `[<id>]${suffix}`,
    type: 'StakeholderEngaged',
    domain: `domain-${i % 24}`,
    kind: 'demo',
    audienceSize: 12,
    time,
  });
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

const profiler = PROFILE ? new Session() : undefined;
profiler?.connect();

async function run(title: string, path: string, body: string, connections: number) {
  if (profiler) {
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  // Measured from the moment the load starts (not while its process boots) to its end.
  let cpuBefore = process.cpuUsage();
  let loopBefore = performance.eventLoopUtilization();
  const result = await runLoad(
    {
      url: `${gateway.address.url}${path}`,
      method: 'POST',
      headers,
      body,
      idReplacement: true,
      connections,
      duration: SECONDS,
    },
    () => {
      cpuBefore = process.cpuUsage();
      loopBefore = performance.eventLoopUtilization();
    },
  );
  const cpu = process.cpuUsage(cpuBefore);
  const loop = performance.eventLoopUtilization(loopBefore);
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    const file = join(tmpdir(), `ingest-${stamp}-${title.replaceAll(' ', '-')}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    summarise(file, 25, GATEWAY_FUNCTIONS);
  }
  return { title, result, connections, cpuUs: cpu.user + cpu.system, loopBusy: loop.utilization };
}

const single = await run('single event', '/v1/events', event('', 0), CONNECTIONS);
const batchBody = `[${Array.from({ length: BATCH }, (_, i) => event(`-${i}`, i)).join(',')}]`;
const batch = await run(`batch of ${BATCH}`, '/v1/events/batch', batchBody, BATCH_CONNECTIONS);

const rows = [single, batch].map(({ title, result, connections, cpuUs, loopBusy }) => {
  const ok = result['2xx'];
  const perRequest = title.startsWith('batch') ? BATCH : 1;
  return {
    mode: title,
    connections,
    seconds: SECONDS,
    'requests/s': Math.round(ok / result.duration),
    'events/s': Math.round((ok * perRequest) / result.duration),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    // Per event of every answered request: refused ones cost the gateway CPU too.
    'cpu µs/event': ok + result.non2xx === 0 ? '-' : Math.round(cpuUs / ((ok + result.non2xx) * perRequest)),
    // Share of the time the gateway's event loop was busy: near 100 % it is CPU-bound, below it waits.
    'loop busy %': Math.round(100 * loopBusy),
    'non-2xx': result.non2xx,
    errors: result.errors + result.timeouts,
  };
});
console.table(rows);
console.log(
  `load average: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(
  `producer stats: ${JSON.stringify(gateway.producer.stats)}; ` +
    (NO_KAFKA
      ? '--no-kafka: nothing was sent to Kafka (the gateway alone, not the goal).'
      : 'every 2xx was acknowledged by Kafka (acks=all).'),
);

profiler?.disconnect();
await gateway.close();
await admin.deleteTopics({ topics: [shared.topics.events, shared.topics.deadLetter] }).catch(() => undefined);
await admin.disconnect();
// The page shows the goal's figures: a diagnostic run (no Kafka) or a profiled one (slowed by the
// profiler) is printed only.
if (NO_KAFKA || PROFILE)
  console.log('not recorded in docs/benchmarks.md: --no-kafka and --profile runs are diagnostics');
else recordBenchmark(import.meta.url);
