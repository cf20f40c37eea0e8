import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '@mesh-momentum/common';
import { DashboardService, loadDashboardConfig } from '@mesh-momentum/dashboard';
import { DEFAULT_SCORING_CONFIG } from '@mesh-momentum/scoring';
import { createRedis, type RedisClient } from '@mesh-momentum/service-kit';
import { simulateProgramme } from '@mesh-momentum/simulator';
import { INITIAL_NAMESPACE, keys } from '@mesh-momentum/store';
import { ScoreStore } from '@mesh-momentum/store-writer';
import { startPrivateRedis, type PrivateRedis } from '@mesh-momentum/testing';
import type { FastifyInstance } from 'fastify';
import { processorConfig } from './support/pipeline.ts';
import { toScoring } from './support/reference.ts';
import { byDomain } from './support/store-harness.ts';

/**
 * The dashboard's Redis (a private redis-server of this test, never the shared one) goes away while the
 * dashboard runs: an API read that needs Redis (a scope's detail: movers and history; the targets) is
 * answered 503 MM_ERR_STORE_UNAVAILABLE, retriable, in the one error shape, not an unexplained 500.
 */
describe('dashboard: its Redis down', () => {
  let redis: PrivateRedis;
  let client: RedisClient;
  let service: DashboardService;
  let app: FastifyInstance;
  let domain: string;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    const config = processorConfig(inject('services'), { name: 'dashboard-store-outage' });
    // Commands meeting a dead Redis fail within a second, not the default 10 s.
    const redisConfig = { ...config.redis, url: redis.url, commandTimeoutMs: 1000, connectTimeoutMs: 1000 };
    const logger = createLogger({ name: 'test', level: 'silent' });
    client = createRedis(redisConfig, logger);
    const ks = { prefix: config.redis.keyPrefix, namespace: INITIAL_NAMESPACE };
    await client.set(keys.namespacePointer(ks.prefix), ks.namespace);
    const events = toScoring(simulateProgramme({ seed: 5, endMs: Date.now() - 3_600_000, scale: 0.1 }));
    const store = new ScoreStore(client, ks, DEFAULT_SCORING_CONFIG);
    const epoch = await store.takeEpoch('outage', 0);
    const asOfMs = Date.now();
    await store.applyPartitionBatch({
      topic: 'outage',
      partition: 0,
      epoch,
      asOfMs,
      byDomain: byDomain(events, 0),
    });
    await store.refreshMesh(asOfMs);
    domain = events[0]!.domain;
    service = new DashboardService({
      redis: client,
      keyPrefix: ks.prefix,
      scoring: DEFAULT_SCORING_CONFIG,
      config: loadDashboardConfig({ MM_DASHBOARD_HTTP_PORT: '0', MM_DASHBOARD_REFRESH_MS: '60000' })
        .dashboard,
      logger,
    });
    app = await service.start();
  }, 60_000);

  afterAll(async () => {
    await service?.stop().catch(() => undefined);
    client?.disconnect();
    await redis?.stop();
  });

  it('answers a read that needs Redis 503 MM_ERR_STORE_UNAVAILABLE, retriable, while Redis is down', async () => {
    const detail = `/api/domains/${encodeURIComponent(domain)}`;
    expect((await app.inject({ url: detail })).statusCode).toBe(200);

    await redis.crash();
    for (const url of [detail, '/api/targets']) {
      const answer = await app.inject({ url });
      expect(answer.statusCode, url).toBe(503);
      expect(answer.json(), url).toMatchObject({
        statusCode: 503,
        code: 'MM_ERR_STORE_UNAVAILABLE',
        retriable: true,
      });
    }
  });
});
