import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildGateway } from './app.ts';
import { offlineContext } from './app.test-support.ts';
import { generateToken, parseTokenHash } from '@mesh-momentum/service-kit';
import { signGithubPayload } from '@mesh-momentum/webhook-auth';
import { tokenSources } from './auth/tokens.ts';
import { OPENAPI_DOCUMENT } from './openapi-document.ts';

let app: FastifyInstance;
const { token, hash } = generateToken('payments-ci');
const writer = {
  id: 'payments-ci',
  ...(parseTokenHash(hash) as NonNullable<ReturnType<typeof parseTokenHash>>),
  eventTypes: new Set(['*']),
  domains: new Set(['payments']),
  admin: false,
  ...tokenSources('payments-ci', undefined),
};

const GITHUB_SECRET = 'app-test-github-secret';

beforeAll(async () => {
  const offline = offlineContext([writer]);
  const ctx = {
    ...offline,
    file: { ...offline.file, github: { source: 'https://github.com/acme', secrets: [GITHUB_SECRET] } },
  };
  app = await buildGateway(ctx);
  await app.ready();
});
afterAll(async () => {
  await app.close();
});

describe('the gateway HTTP API, without services', () => {
  it('documents exactly its routes in the OpenAPI document it serves', async () => {
    const served = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(served.statusCode).toBe(200);
    expect(served.json()).toEqual(JSON.parse(JSON.stringify(OPENAPI_DOCUMENT)));
    const documented = Object.entries(OPENAPI_DOCUMENT.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(new Set(app.gatewayRoutes)).toEqual(new Set(documented));
  });

  it('answers an unknown route with the error shape and a code', async () => {
    const response = await app.inject({ method: 'GET', url: '/v2/nothing' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      statusCode: 404,
      code: 'MM_ERR_HTTP_NOT_FOUND',
      error: 'Not Found',
      message: 'no route GET /v2/nothing',
      retriable: false,
    });
  });

  it('refuses an event without a token before reading the body (401 naming authorization)', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/events',
      payload: { type: 'ChampionGained' },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'MM_ERR_INGEST_UNAUTHENTICATED', field: 'authorization' });
  });

  it('answers a webhook nobody configured with 404', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/webhooks/generic/nope', payload: '{}' });
    // The rate limit counts webhooks in Redis, which is down here: the request is not refused for that.
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'MM_ERR_INGEST_NOT_FOUND' });
  });

  it('refuses an event claiming a source its token is not bound to (403 naming source), before sending', async () => {
    const event = { type: 'ChampionGained', domain: 'payments', personId: 'p-1', role: 'champion' };
    const single = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { authorization: `Bearer ${token}` },
      payload: { ...event, source: 'https://github.com/acme' },
    });
    expect(single.statusCode).toBe(403);
    expect(single.json()).toMatchObject({ code: 'MM_ERR_INGEST_FORBIDDEN', field: 'source' });
    expect(single.json().message).toMatch(/payments-ci may not send events as "https:\/\/github.com\/acme"/);

    const cloudEvent = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents+json' },
      payload: {
        specversion: '1.0',
        id: 'ce-1',
        source: 'https://openmetadata.acme.example',
        type: 'ChampionGained',
        data: { domain: 'payments', personId: 'p-1', role: 'champion' },
      },
    });
    expect(cloudEvent.statusCode).toBe(403);
    expect(cloudEvent.json()).toMatchObject({ field: 'source' });
  });

  it('answers a webhook POST without body or content type 400 naming the body, not 500', async () => {
    // A signature header (of an empty body) gets past the header checks to the body itself.
    const response = await app.inject({
      method: 'POST',
      url: '/v1/webhooks/github',
      headers: { 'x-hub-signature-256': signGithubPayload('', GITHUB_SECRET) },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'MM_ERR_INGEST_BODY_INVALID', field: '(body)' });
    expect(response.json().message).toMatch(/^\(body\): empty/);
  });

  it('answers a dependency failure (Redis down here) with its code and a short message, no detail', async () => {
    const body = '{"zen":"x","hook_id":1}';
    const response = await app.inject({
      method: 'POST',
      url: '/v1/webhooks/github',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'ping',
        'x-github-delivery': 'd-1',
        'x-hub-signature-256': signGithubPayload(body, GITHUB_SECRET),
      },
      payload: body,
    });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toEqual({
      statusCode: 503,
      code: 'MM_ERR_STORE_UNAVAILABLE',
      error: 'Service Unavailable',
      message:
        'the service cannot complete the request now (MM_ERR_STORE_UNAVAILABLE); retry after Retry-After seconds',
      retriable: true,
    });
  });
});
