import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { alerterKeys } from '@mesh-momentum/alerting';
import { AlertStore, registerAlerterApi } from '@mesh-momentum/alerter';
import { createLogger, type Logger } from '@mesh-momentum/common';
import {
  AnswerCache,
  ChangeHub,
  createDashboardApp,
  DashboardStore,
  SnapshotCache,
} from '@mesh-momentum/dashboard';
import { DEFAULT_SCORING_CONFIG } from '@mesh-momentum/scoring';
import { createOpsServer, generateToken, parseTokenHash } from '@mesh-momentum/service-kit';
import { buildGateway } from '../../services/ingest/src/app.ts';
import { offlineContext } from '../../services/ingest/src/app.test-support.ts';
import { tokenSources } from '../../services/ingest/src/auth/tokens.ts';

/**
 * The same bad requests to the ingest gateway, the dashboard and the alerter get the same answers, in the
 * one shape of docs/errors.md ("Error answers"). No route here reaches Redis: the clients never connect.
 * test/integration/service-shell.test.ts sends them to the four services as the shell starts them.
 */
const SHAPE_KEYS = ['code', 'error', 'message', 'retriable', 'statusCode'];
const logger: Logger = createLogger({ name: 'test', level: 'silent' });
const { token, hash } = generateToken('ci');

const writer = {
  id: 'ci',
  ...(parseTokenHash(hash) as NonNullable<ReturnType<typeof parseTokenHash>>),
  eventTypes: new Set(['*']),
  domains: new Set(['*']),
  admin: false,
  ...tokenSources('ci', undefined),
};
// Its Redis client never connects (as with Redis down); the routes below never ask it.
const context = offlineContext([writer]);
const ingest = () => buildGateway(context);

async function dashboard(): Promise<FastifyInstance> {
  const store = new DashboardStore(context.redis, 'test', DEFAULT_SCORING_CONFIG);
  return createDashboardApp({
    store,
    cache: new SnapshotCache(store),
    answers: new AnswerCache({ maxEntries: 10, maxBytes: 1_048_576 }),
    hub: new ChangeHub({ maxClients: 1, maxPerClient: 1, highWaterBytes: 16_384, heartbeatMs: 1_000 }),
    scoring: DEFAULT_SCORING_CONFIG,
    probe: { live: () => true, ready: async () => ({ ready: true, checks: {} }) },
    metrics: new Registry(),
    targetWrites: { enabled: true, adminTokens: [] },
    logger,
  });
}

async function alerter(): Promise<FastifyInstance> {
  const app = createOpsServer(
    { live: () => true, ready: async () => ({ ready: true, checks: {} }) },
    new Registry(),
    { logger },
  );
  registerAlerterApi(app, new AlertStore(context.redis, alerterKeys('test')), Date.now, {
    writes: true,
    adminTokens: [],
  });
  return app;
}

const services: Record<
  string,
  { app?: FastifyInstance; build: () => Promise<FastifyInstance>; write: string }
> = {
  ingest: { build: ingest, write: 'POST /v1/events' },
  dashboard: { build: dashboard, write: 'PUT /api/targets?scope=mesh' },
  alerter: { build: alerter, write: 'POST /api/silences' },
};

beforeAll(async () => {
  for (const s of Object.values(services)) {
    s.app = await s.build();
    await s.app.ready();
  }
});
afterAll(async () => {
  for (const s of Object.values(services)) await s.app?.close();
});

describe.each(Object.keys(services))('the %s answers bad requests in the one error shape', (name) => {
  const service = () => services[name] as { app: FastifyInstance; write: string };

  it('an unknown route: 404, with a code, the status text and retriable', async () => {
    const res = await service().app.inject({ method: 'GET', url: '/no/such/route' });
    expect(res.statusCode).toBe(404);
    const body = res.json<Record<string, unknown>>();
    expect(Object.keys(body).sort()).toEqual(SHAPE_KEYS);
    expect(body).toEqual({
      statusCode: 404,
      code: 'MM_ERR_HTTP_NOT_FOUND',
      error: 'Not Found',
      message: 'no route GET /no/such/route',
      retriable: false,
    });
  });

  it('a body that is not the JSON it claims: 400 naming (body)', async () => {
    const [method, url] = service().write.split(' ') as ['POST' | 'PUT', string];
    const res = await service().app.inject({
      method,
      url,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      payload: '{"not json',
    });
    expect(res.statusCode).toBe(400);
    const body = res.json<Record<string, unknown>>();
    expect(Object.keys(body).sort()).toEqual([...SHAPE_KEYS, 'field'].sort());
    expect(body).toMatchObject({
      statusCode: 400,
      code: 'MM_ERR_HTTP_REQUEST_INVALID',
      error: 'Bad Request',
      retriable: false,
      field: '(body)',
    });
  });

  it('a URL fastify refuses before routing (undecodable, a parameter too long): 400, not its own shape', async () => {
    let refused = 0;
    for (const url of [
      '/api/%',
      `/v1/webhooks/generic/${'x'.repeat(200)}`,
      `/api/domains/${'x'.repeat(200)}`,
    ]) {
      const res = await service().app.inject({ method: 'GET', url });
      const body = res.json<Record<string, unknown>>();
      // A route the service does not have is a 404 of its own; what fastify refuses first is a 400.
      if (res.statusCode === 404) continue;
      expect(res.statusCode, url).toBe(400);
      expect(Object.keys(body).sort(), url).toEqual(SHAPE_KEYS);
      expect(body, url).toMatchObject({
        statusCode: 400,
        error: 'Bad Request',
        code: 'MM_ERR_HTTP_REQUEST_INVALID',
      });
      refused += 1;
    }
    expect(refused).toBeGreaterThan(0);
  });
});
