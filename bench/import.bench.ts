import { createLogger, loadConfig } from '@mesh-momentum/common';
import { EMPTY_GATEWAY_FILE, importHistory, loadIngestConfig } from '@mesh-momentum/ingest';
import { createKafka, ensureTopics } from '@mesh-momentum/kafka';
import { startGithubOrgServer, type PlayedRepository } from '@mesh-momentum/testing';
import { recordBenchmark } from './record.ts';

/**
 * `pnpm ingest:import github` rate from a local server playing a GitHub organisation (REST shapes, pages of
 * 100 joined by Link headers): BENCH_REPOS repositories of BENCH_RELEASES releases each, all mapped by
 * their `mm-domain-*` topic, sent through the gateway's publisher to Kafka (acks=all, a checkpoint in
 * Redis after each page). Server, import, Kafka and Redis share the machine. Runs on the Kafka, registry
 * and Redis of MM_* (the shared local services).
 *
 *   pnpm bench:import                                    # 40 repositories × 250 releases
 *   BENCH_REPOS=10 BENCH_RELEASES=100 pnpm bench:import
 *
 * Writes to a fresh topic bench.import.<time>.events and prefix bench-import-<time> (deleted at the end).
 */
const REPOS = Number(process.env['BENCH_REPOS'] ?? 40);
const RELEASES = Number(process.env['BENCH_RELEASES'] ?? 250);
const DOMAINS = ['payments', 'marketing', 'logistics', 'hr'];
const DAY_MS = 86_400_000;

const { BENCH_REPOS: _r, BENCH_RELEASES: _n, ...env } = process.env;
const stamp = Date.now().toString(36);
const benchEnv = {
  ...Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('MM_TOPIC_'))),
  MM_TOPIC_EVENTS: `bench.import.${stamp}.events`,
  MM_TOPIC_DLQ: `bench.import.${stamp}.dlq`,
  MM_REDIS_KEY_PREFIX: `bench-import-${stamp}`,
  MM_LOG_LEVEL: process.env['MM_LOG_LEVEL'] ?? 'error',
};
const shared = loadConfig(benchEnv);
const logger = createLogger({ name: 'bench', level: shared.logLevel });
const kafka = createKafka(shared.kafka, { logger });
const admin = kafka.admin();
await admin.connect();
await ensureTopics(admin, { ...shared.topics });

const nowMs = Date.now();
const repositories: PlayedRepository[] = Array.from({ length: REPOS }, (_, r) => ({
  id: 1_000 + r,
  name: `product-${r}`,
  topics: [`mm-domain-${DOMAINS[r % DOMAINS.length] as string}`],
  updated_at: new Date(nowMs - DAY_MS).toISOString(),
  // A release a day or so over the last year, newest first.
  releases: Array.from({ length: RELEASES }, (_, i) => ({
    id: 1_000_000 * (r + 1) + RELEASES - i,
    tag_name: `v1.${RELEASES - i}.0`,
    published_at: new Date(nowMs - (1 + (i * 365) / RELEASES) * DAY_MS).toISOString(),
  })),
}));
const server = await startGithubOrgServer({ owner: 'bench', repositories });
const file = {
  ...EMPTY_GATEWAY_FILE,
  imports: { github: { owner: 'bench', apiUrl: server.url, source: 'https://github.com/bench' } },
};
const config = loadIngestConfig(benchEnv);
const args = { tool: 'github', sinceMs: undefined } as const;
const dry = await importHistory({ ...args, dryRun: true }, { config, file, logger, print: () => undefined });
const live = await importHistory(
  { ...args, dryRun: false },
  { config, file, logger, print: () => undefined },
);
const rate = (events: number, ms: number) => Math.round(events / (ms / 1_000));
console.table([
  {
    mode: 'dry run (read and map)',
    pages: dry.pages,
    events: dry.events,
    seconds: dry.elapsedMs / 1_000,
    'events/s': rate(dry.events, dry.elapsedMs),
  },
  {
    mode: 'import (Kafka acks=all)',
    pages: live.pages,
    events: live.events,
    seconds: live.elapsedMs / 1_000,
    'events/s': rate(live.events, live.elapsedMs),
  },
]);

await server.close();
await admin.deleteTopics({ topics: [shared.topics.events, shared.topics.deadLetter] }).catch(() => undefined);
await admin.disconnect();
recordBenchmark(import.meta.url);
