// The demo behind `bash scripts/demo.sh`: runs the processor as its own process, sends events through
// the schema registry and Kafka, and prints what the processor wrote to Redis. It owns the demo topics
// and key prefix below and resets them on every run, so it never touches a real installation's data.
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { Partitioners } from 'kafkajs';
import { createLogger, loadConfig } from '@mesh-momentum/common';
import { EventCodec, RegistryClient, registryOptionsFrom } from '@mesh-momentum/events';
import { createKafka, ensureTopics } from '@mesh-momentum/kafka';
import { ScoreReader } from '@mesh-momentum/store';

const DEMO_ENV = {
  MM_TOPIC_EVENTS: 'mesh-momentum.demo.events',
  MM_TOPIC_DLQ: 'mesh-momentum.demo.dlq',
  MM_REDIS_KEY_PREFIX: 'mm-demo',
  MM_PROCESSOR_GROUP_ID: 'mesh-momentum-demo',
  MM_PROCESSOR_HTTP_PORT: '19464',
  MM_LOG_LEVEL: 'warn',
};

const env = { ...process.env, ...DEMO_ENV };
const config = loadConfig(env);
const logger = createLogger({ name: 'demo', level: 'warn' });
const say = (line: string) => console.log(`demo: ${line}`);

async function resetDemoState(redis: Redis): Promise<void> {
  const kafka = createKafka(config.kafka, { logger });
  const admin = kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  const ours = [config.topics.events, config.topics.deadLetter].filter((t) => existing.has(t));
  if (ours.length > 0) await admin.deleteTopics({ topics: ours });
  await admin.deleteGroups([config.processor.groupId]).catch(() => undefined);
  // Topic deletion is asynchronous in Kafka; creation retries until the old topic is gone.
  for (let attempt = 0; ; attempt++) {
    try {
      await ensureTopics(admin, { ...config.topics });
      break;
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await admin.disconnect();
  const stale = await redis.keys(`${config.redis.keyPrefix}:*`);
  if (stale.length > 0) await redis.del(...stale);
}

function startProcessor(): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=@mesh-momentum/source', 'services/processor/src/main.ts'],
    {
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  child.on('exit', (code, signal) => say(`processor exited (code ${code}, signal ${signal ?? 'none'})`));
  return child;
}

async function main(): Promise<void> {
  // Fail fast with one clear line instead of retrying forever when Redis is not there.
  const redis = new Redis(config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  redis.on('error', () => undefined);
  await redis.connect().catch((error: unknown) => {
    throw new Error(
      `cannot reach Redis at ${config.redis.url} (is the infrastructure up? pnpm infra:up): ${String(error)}`,
    );
  });
  say(`resetting demo topics (${config.topics.events}) and keys (${config.redis.keyPrefix}:*)`);
  await resetDemoState(redis);

  say('starting the processor (services/processor) as its own process');
  const processor = startProcessor();

  const kafka = createKafka(config.kafka, { logger });
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const codec = new EventCodec(new RegistryClient(registryOptionsFrom(config)));

  const domains = ['payments', 'marketing', 'logistics', 'hr'];
  const now = Date.now();
  const events = domains.flatMap((domain, d) =>
    Array.from({ length: 3 + d }, (_, i) => ({
      id: `demo-${domain}-${i}`,
      source: 'urn:meshmomentum:demo',
      type: 'ChampionGained',
      time: now - (i + 1) * 86_400_000,
      subject: `p-${domain}-${i}`,
      domain,
      personId: `p-${domain}-${i}`,
      role: i === 0 ? 'sponsor' : 'champion',
    })),
  );
  say(`sending ${events.length} ChampionGained events (Avro, schema registry, key = domain)`);
  await producer.send({
    topic: config.topics.events,
    messages: await Promise.all(
      events.map(async (e) => ({ key: e.domain, value: await codec.encode('ChampionGained', e) })),
    ),
  });
  await producer.disconnect();

  const reader = new ScoreReader(redis, config.redis.keyPrefix);
  const deadline = Date.now() + 60_000;
  let total = 0;
  while (Date.now() < deadline) {
    const scores = await Promise.all(domains.map((d) => reader.scopeScore(d, { kind: 'domain' })));
    total = scores.reduce((sum, s) => sum + (s?.eventCount ?? 0), 0);
    if (total === events.length) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  say(`Redis (${config.redis.url}, prefix ${config.redis.keyPrefix}) now holds:`);
  for (const domain of domains) {
    const s = await reader.scopeScore(domain, { kind: 'domain' });
    say(`  ${domain.padEnd(10)} momentum ${s?.momentum.score.toFixed(1)} champions ${s?.standing.champions}`);
  }
  processor.kill('SIGTERM');
  await new Promise((r) => processor.once('exit', r));
  redis.disconnect();
  if (total !== events.length) {
    throw new Error(`the processor applied ${total} of ${events.length} events within 60 s`);
  }
  say(`all ${events.length} events applied. Infrastructure left running: pnpm infra:down stops it.`);
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
