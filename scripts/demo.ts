// The demo behind `bash scripts/demo.sh`: a simulated data-mesh programme (four domains, twelve months,
// four stories) goes through the SDK, the schema registry and Kafka into the processor. Day one first:
// the product releases of all but the last weeks are imported from a local stand-in for a GitHub
// organisation (`pnpm ingest:import github`, back-dated), then the demo goes live: the recent releases as
// signed GitHub webhooks through the ingest gateway, everything else through the SDK; gateway and
// processor run as their own processes. Then the scoreboard is read back from Redis, the way any dashboard would read it.
// The demo owns the topics, consumer group and key prefix below and resets them on every run, so it
// never touches a real installation's data. The dashboard (services/dashboard) starts before the events
// are sent, so its page fills up while the simulation runs; the alerter (services/alerter) starts once
// the events are applied. The demo leaves the processor, the gateway, the dashboard and the alerter
// running until Ctrl-C (DEMO_KEEP_RUNNING=0: stop them after the scoreboard instead).
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { createLogger } from '@mesh-momentum/common';
import { importHistory, loadIngestConfig } from '@mesh-momentum/ingest';
import { createKafka, ensureTopics } from '@mesh-momentum/kafka';
import { loadProcessorConfig } from '@mesh-momentum/processor';
import { createMeshMomentumProducer } from '@mesh-momentum/sdk';
import { describeProgramme, simulateProgramme } from '@mesh-momentum/simulator';
import { domainRef, MESH_REF, MomentumReader, refKey, type StoredScore } from '@mesh-momentum/store';
import { startGithubOrgServer } from '@mesh-momentum/testing';
import { showAlerts, startAlerter } from './demo-alerts.ts';
import { startService } from './demo-process.ts';
import {
  GATEWAY_ENV,
  playedOrganisation,
  releaseIds,
  sendRelease,
  startGateway,
  waitForGateway,
  writeGatewayConfig,
  type Release,
} from './demo-gateway.ts';

const DEMO_ENV = {
  MM_TOPIC_EVENTS: 'mesh-momentum.demo.events',
  MM_TOPIC_DLQ: 'mesh-momentum.demo.dlq',
  MM_REDIS_KEY_PREFIX: 'mm-demo',
  MM_PROCESSOR_GROUP_ID: 'mesh-momentum-demo',
  MM_PROCESSOR_HTTP_PORT: '19464',
  MM_PROCESSOR_TICK_MS: '5000',
  MM_LOG_LEVEL: 'warn',
  ...GATEWAY_ENV,
};
const SEED = Number(process.env['DEMO_SEED'] ?? 42);
const KEEP_RUNNING = process.env['DEMO_KEEP_RUNNING'] !== '0';
/** The dashboard's port in the demo (MM_DASHBOARD_HTTP_PORT overrides it). */
const DASHBOARD_PORT = process.env['MM_DASHBOARD_HTTP_PORT'] ?? '8090';
/** Releases of the last this many days arrive live, as webhooks; older ones come from the import. */
const LIVE_DAYS = 30;

// Another service's MM_*_ prefix is left alone by the processor's config: one environment serves both.
const env = { ...process.env, ...DEMO_ENV };
const config = loadProcessorConfig(env);
const logger = createLogger({ name: 'demo', level: 'warn' });
const say = (line: string) => console.log(line);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function resetDemoState(redis: Redis): Promise<void> {
  const kafka = createKafka(config.kafka, { logger });
  const admin = kafka.admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  const ours = [config.topics.events, config.topics.deadLetter].filter((t) => existing.has(t));
  if (ours.length > 0) await admin.deleteTopics({ topics: ours });
  await admin.deleteGroups([config.processor.groupId]).catch(() => undefined);
  // Topic deletion completes asynchronously in Kafka: until the old topics are gone from the metadata,
  // ensureTopics would take them for present and skip creating them, and the processor would subscribe
  // to partitions about to vanish.
  for (let attempt = 0; ours.length > 0; attempt++) {
    const left = new Set(await admin.listTopics());
    if (!ours.some((t) => left.has(t))) break;
    if (attempt >= 150) throw new Error(`Kafka did not finish deleting ${ours.join(', ')} within 30 s`);
    await sleep(200);
  }
  for (let attempt = 0; ; attempt++) {
    try {
      await ensureTopics(admin, { ...config.topics });
      break;
    } catch (error) {
      if (attempt >= 50) throw error;
      await sleep(200);
    }
  }
  await admin.disconnect();
  const stream = redis.scanStream({ match: `${config.redis.keyPrefix}:*`, count: 1000 });
  for await (const batch of stream as AsyncIterable<string[]>)
    if (batch.length > 0) await redis.unlink(...batch);
}

function startProcessor(): ChildProcess {
  return startService('services/processor/src/main.ts', env);
}

/** The dashboard reads the demo's key prefix; only it gets the MM_DASHBOARD_* variables. */
function startDashboard(): ChildProcess {
  return startService('services/dashboard/src/main.ts', { ...env, MM_DASHBOARD_HTTP_PORT: DASHBOARD_PORT });
}

function progress(label: string, done: number, total: number): void {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const line = `  ${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
  if (process.stdout.isTTY) process.stdout.write(`\r${line}${done === total ? '\n' : ''}`);
  else if (done === total) say(line);
}

const fmt = (n: number | undefined, digits = 1) => (n === undefined ? '-' : n.toFixed(digits));
const signed = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(1)}`;
const day = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString().slice(0, 10));

function scoreRow(name: string, story: string, s: StoredScore | undefined): string {
  if (!s) return `${name.padEnd(12)} (no score yet)`;
  return [
    name.padEnd(12),
    story.padEnd(9),
    fmt(s.momentum.score).padStart(8),
    signed(s.momentum.trend7).padStart(7),
    signed(s.momentum.trend30).padStart(7),
    fmt(s.value.score).padStart(7),
    s.quadrant.padEnd(9),
    String(s.standing.champions + s.standing.sponsors + s.standing.executiveSponsors).padStart(9),
    s.stalled ? `STALLED (${s.stallReason}, last momentum event ${day(s.lastPositiveEventMs)})` : 'no',
  ].join('  ');
}

/** Every process the demo starts: stopped on the way out, whether the demo succeeded or failed. */
const children = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** How a child ended (`code 0`, `SIGTERM`), once it has. */
function exitOf(child: ChildProcess): () => string | undefined {
  let exit: string | undefined;
  child.once('exit', (code, signal) => (exit = signal ?? `code ${code}`));
  return () => exit;
}

/** SIGTERM to every child still running, and at most 10 s for them to exit. */
async function stopChildren(): Promise<void> {
  const running = [...children];
  for (const child of running) child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(running.map((c) => new Promise((r) => c.once('exit', r)))),
    new Promise((r) => (timer = setTimeout(r, 10_000))),
  ]);
  // A pending timer would keep the demo alive for the rest of the 10 s.
  clearTimeout(timer);
}

/** Set while the demo waits for Ctrl-C: a signal then ends the wait; earlier, it aborts the demo. */
let onStop: (() => void) | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (onStop) return onStop();
    console.log(`\ndemo interrupted (${signal}): stopping the services`);
    void stopChildren().then(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  const redis = new Redis(config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  redis.on('error', () => undefined);
  await redis.connect().catch((error: unknown) => {
    throw new Error(
      `cannot reach Redis at ${config.redis.url} (is the infrastructure up? pnpm infra:up): ${String(error)}`,
    );
  });

  say(`Mesh Momentum demo (seed ${SEED})`);
  say(`- resetting the demo topic ${config.topics.events} and keys ${config.redis.keyPrefix}:*`);
  await resetDemoState(redis);

  say('- starting the processor (services/processor) as its own process');
  const processor = track(startProcessor());
  const processorExit = exitOf(processor);
  const dashboard = track(startDashboard());
  const dashboardExit = exitOf(dashboard);
  const dashboardUrl = `http://127.0.0.1:${DASHBOARD_PORT}/`;
  say(`- starting the dashboard (services/dashboard): open ${dashboardUrl} and watch it fill up`);

  const endMs = Date.now();
  const events = simulateProgramme({ seed: SEED, endMs });
  const stories = describeProgramme();
  say(
    `- simulated ${events.length} events over the last twelve months, back-dated, for ${stories.length} domains:`,
  );
  for (const s of stories) say(`    ${s.domain.padEnd(10)} ${s.story.padEnd(9)} ${s.summary}`);

  const releases = events.filter((e) => e.type === 'DataProductPublished') as unknown as Release[];
  const others = events.filter((e) => e.type !== 'DataProductPublished');
  const goLiveMs = endMs - LIVE_DAYS * 86_400_000;
  const history = releases.filter((r) => r.time < goLiveMs);
  const liveReleases = releases.filter((r) => r.time >= goLiveMs);
  const ids = releaseIds(releases);
  const github = await startGithubOrgServer(playedOrganisation(history, ids));
  const gatewayConfig = writeGatewayConfig(releases, github.url);
  const gatewayEnv = { ...env, ...gatewayConfig.env };

  say(
    `- day one: importing the GitHub organisation's history from a local stand-in for its API (${github.url}), ` +
      "back-dated, through the gateway's adapters (pnpm ingest:import github)",
  );
  const imported = await importHistory(
    { tool: 'github', sinceMs: undefined, dryRun: false },
    { config: loadIngestConfig(gatewayEnv), logger, print: (line) => say(`    ${line}`) },
  );
  await github.close();

  say('- starting the ingest gateway (services/ingest) as its own process, and going live');
  const gateway = track(startGateway(gatewayEnv));
  const gatewayExit = exitOf(gateway);
  await waitForGateway();

  const liveCount = liveReleases.length + others.length;
  say(
    `- live: sending ${liveReleases.length} releases of the last ${LIVE_DAYS} days as signed GitHub webhooks ` +
      `through the gateway, and ${others.length} other events through the SDK (validated, Avro, schema registry, key = domain)`,
  );
  const producer = createMeshMomentumProducer({ config, logger, maxFutureSkewMs: 300_000 });
  let sent = 0;
  const deliveries = others.map(async (event) => {
    const { type, ...input } = event;
    await producer.emit(type, input as never);
    progress('sent   ', ++sent, liveCount);
  });
  // A few webhooks at a time, as a git host delivers them.
  let next = 0;
  const webhookWorkers = Array.from({ length: 4 }, async () => {
    while (next < liveReleases.length) {
      const n = next++;
      await sendRelease(liveReleases[n] as Release, ids, gatewayConfig.secret, n);
      progress('sent   ', ++sent, liveCount);
    }
  });
  await Promise.all([...deliveries, ...webhookWorkers]);
  await producer.close();

  const reader = new MomentumReader(redis, { prefix: config.redis.keyPrefix });
  const domains = stories.map((s) => s.domain);
  const domainRefs = domains.map(domainRef);
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (processorExit() !== undefined) throw new Error(`the processor exited early (${processorExit()})`);
    const scores = (await (await reader.snapshot())?.scores(domainRefs)) ?? new Map<string, StoredScore>();
    const applied = [...scores.values()].reduce((sum, s) => sum + s.eventCount, 0);
    progress('applied', applied, events.length);
    if (applied === events.length) break;
    if (Date.now() > deadline)
      throw new Error(`only ${applied} of ${events.length} events applied after 120 s`);
    await sleep(250);
  }
  // Mesh-wide figures (mesh score, domain rankings, stalled set) follow the batches within a second.
  await sleep(1_500);
  // One snapshot for the whole scoreboard: one namespace, as every reader reads.
  const snapshot = await reader.snapshot();
  if (!snapshot) throw new Error('the events were applied but no namespace is set');
  const scores = await snapshot.scores([MESH_REF, ...domainRefs]);

  say('');
  say(
    `Scoreboard, read from Redis (prefix ${config.redis.keyPrefix}, namespace ${snapshot.namespace}): ` +
      `${events.length} events, ${imported.events} of them from the day-one import of GitHub's history`,
  );
  say(
    `${'domain'.padEnd(12)}  ${'story'.padEnd(9)}  momentum  trend7  tr.30  value  quadrant   champions  stalled`,
  );
  for (const s of stories) say(scoreRow(s.domain, s.story, scores.get(refKey(domainRef(s.domain)))));
  say(scoreRow('MESH', '', scores.get(refKey(MESH_REF))));

  say('');
  say('Top data products by momentum:');
  const top = (await snapshot.ranking({ of: 'products', metric: 'momentum', limit: 8 })).entries;
  const topScores = await snapshot.scores(top.map((t) => t.ref));
  for (const t of top) {
    const name = t.ref.kind === 'product' ? t.ref.productId : refKey(t.ref);
    say(
      `  ${name.padEnd(34)} momentum ${fmt(t.score).padStart(5)}  value ${fmt(topScores.get(refKey(t.ref))?.value.score).padStart(5)}`,
    );
  }

  // One definition of a stall (docs/scoring.md, "Stall"): the processor writes it, the alerter reads it.
  const stalled = await snapshot.stalled();
  const stalledDomains = stalled
    .filter((s) => s.ref.kind !== 'product')
    .map((s) => (s.ref.kind === 'domain' ? s.ref.domain : 'mesh'))
    .sort();
  const productsOf = await snapshot.products(domains);
  const perDomain: string[] = [];
  let stalledProducts = 0;
  let products = 0;
  for (const s of stories) {
    const stalledHere = stalled.filter((x) => x.ref.kind === 'product' && x.ref.domain === s.domain).length;
    const all = productsOf.get(s.domain)?.length ?? 0;
    stalledProducts += stalledHere;
    products += all;
    perDomain.push(
      `    ${s.domain.padEnd(10)} ${s.story.padEnd(9)} ${stalledHere} of ${all} data products stalled`,
    );
  }
  say('');
  say(
    `Stalled momentum (alerts): ${stalledDomains.length === 0 ? 'no domain' : stalledDomains.join(', ')}` +
      ` and ${stalledProducts} of ${products} data products`,
  );
  for (const line of perDomain) say(line);
  for (const scope of stalledDomains.filter((s) => s !== 'mesh')) {
    const ref = domainRef(scope);
    const movers = (await snapshot.movers([ref], 'momentum', 3)).get(refKey(ref)) ?? [];
    say(`  why ${scope}? its largest momentum contributions were:`);
    for (const m of movers) say(`    ${day(m.timeMs)}  ${m.type.padEnd(22)} weight ${signed(m.weight)}`);
  }

  say('');
  say('- starting the alerter (services/alerter) as its own process, now that the events are applied');
  const alerter = track(startAlerter(env));
  const alerterExit = exitOf(alerter);
  await showAlerts(say, alerterExit);

  say('');
  say("The demo keeps its data apart from an installation's; to point another tool at it:");
  say(
    `  MM_REDIS_KEY_PREFIX=${DEMO_ENV.MM_REDIS_KEY_PREFIX} MM_TOPIC_EVENTS=${DEMO_ENV.MM_TOPIC_EVENTS} ` +
      `MM_TOPIC_DLQ=${DEMO_ENV.MM_TOPIC_DLQ}   (e.g. before pnpm dashboard, pnpm alerter or pnpm cli emit)`,
  );

  redis.disconnect();
  if (KEEP_RUNNING) {
    say('');
    say(
      `Dashboard: ${dashboardUrl}  (the processor, the gateway, the dashboard and the alerter keep running; Ctrl-C stops them)`,
    );
    await new Promise<void>((resolve) => (onStop = resolve));
  }
  await stopChildren();
  say('');
  say(
    `The gateway (${gatewayExit()}), the processor (${processorExit()}), the dashboard (${dashboardExit()}) and the alerter (${alerterExit()}) stopped. ` +
      'Kafka, the registry, Redis and Alertmanager keep running: pnpm infra:down.',
  );
}

main().catch(async (error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  await stopChildren();
  process.exit(1);
});
