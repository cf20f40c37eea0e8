import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { DashboardService, loadDashboardConfig } from '@mesh-momentum/dashboard';
import { connectRedis, createRedis, generateToken, loadScoringConfigFile } from '@mesh-momentum/service-kit';
import { simulateProgramme } from '@mesh-momentum/simulator';
import { INITIAL_NAMESPACE, keys, unlinkMatching, type RedisClient } from '@mesh-momentum/store';
import { ScoreStore } from '@mesh-momentum/store-writer';
import { isolatedEnv } from '@mesh-momentum/testing';
import { toScoring } from '../integration/support/reference.ts';
import { byDomain } from '../integration/support/store-harness.ts';
import { fuzzServers } from './support/fuzz-run.ts';
import { LogSink } from './support/log-sink.ts';
import type { RequestVocabulary } from './support/requests.ts';

/**
 * The dashboard as `pnpm dashboard` starts it (its config from the environment, `DashboardService`
 * over real Redis, a web root so the static routes exist), over scores the store writer applied for a
 * simulated programme: every route fuzzed, with a configured admin token for target writes.
 */
const admin = generateToken('fuzz-admin');
const SECRETS = new Map([['admin token', admin.token]]);

describe('fuzzing the dashboard', () => {
  let redis: RedisClient;
  let service: DashboardService;
  let prefix: string;
  let webRoot: string;
  const vocabulary: { -readonly [K in keyof RequestVocabulary]: RequestVocabulary[K] } = {
    pathValues: ['mesh'],
    queryNames: [
      'date',
      'days',
      'domain',
      'format',
      'horizon',
      'kind',
      'level',
      'limit',
      'metric',
      'movers',
      'offset',
      'order',
      'ownerTeam',
      'quadrant',
      'scope',
      'sort',
      'state',
    ],
    authorizations: [`Bearer ${admin.token}`],
    bodies: [],
    signers: [],
  };
  const logs = new LogSink(SECRETS);

  beforeAll(async () => {
    const env = isolatedEnv(inject('services'), {
      name: 'fuzz-dashboard',
      env: { MM_DASHBOARD_HTTP_PORT: '0', MM_DASHBOARD_ADMIN_TOKENS: `fuzz-admin=${admin.hash}` },
    });
    const config = loadDashboardConfig(env);
    prefix = config.redis.keyPrefix;
    const logger = logs.logger('dashboard');
    redis = createRedis(config.redis, logger.child({ component: 'redis' }));
    await connectRedis(redis, config.redis);
    const scoring = loadScoringConfigFile(config.scoringConfigFile);

    // A programme's scores, written as the processor writes them.
    const nowMs = Date.now();
    const events = toScoring(simulateProgramme({ seed: 7, endMs: nowMs - 3_600_000 }));
    const ks = { prefix, namespace: INITIAL_NAMESPACE };
    await redis.set(keys.namespacePointer(prefix), ks.namespace);
    const store = new ScoreStore(redis, ks, scoring);
    const epoch = await store.takeEpoch('fuzz', 0);
    for (let from = 0; from < events.length; from += 500) {
      const batch = byDomain(events.slice(from, from + 500), from);
      await store.applyPartitionBatch({ topic: 'fuzz', partition: 0, epoch, asOfMs: nowMs, byDomain: batch });
    }
    await store.refreshMesh(nowMs);
    const domains = [...new Set(events.map((e) => e.domain))];
    const products = [...new Set(events.flatMap((e) => ('productId' in e ? [String(e.productId)] : [])))];
    vocabulary.pathValues = ['mesh', ...domains, ...products.slice(0, 20)];
    vocabulary.bodies = [
      JSON.stringify({ metric: 'momentum', level: 60, date: '2027-01-01' }),
      JSON.stringify({ metric: 'value', level: 40, date: new Date(nowMs + 90 * 86_400_000).toISOString() }),
    ];

    webRoot = mkdtempSync(join(tmpdir(), 'mm-fuzz-web-'));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>dashboard</title>');
    service = new DashboardService({
      redis,
      keyPrefix: prefix,
      scoring,
      config: config.dashboard,
      logger,
      webRoot,
    });
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    if (redis) {
      await unlinkMatching(redis, `${prefix}:*`);
      redis.disconnect();
    }
    if (webRoot) rmSync(webRoot, { recursive: true, force: true });
  });

  it('every route: no 5xx but a dependency 503, one error shape, no secret out', async () => {
    const app = await service.start();
    await fuzzServers([{ name: 'dashboard', app, vocabulary, secrets: SECRETS }], logs, app);
  }, 600_000);
});
