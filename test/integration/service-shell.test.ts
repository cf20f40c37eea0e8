import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ALERTER_SERVICE } from '@mesh-momentum/alerter';
import type { Config, Env } from '@mesh-momentum/common';
import { DASHBOARD_SERVICE } from '@mesh-momentum/dashboard';
import { EMPTY_GATEWAY_FILE, ingestService } from '@mesh-momentum/ingest';
import { PROCESSOR_SERVICE } from '@mesh-momentum/processor';
import { startService, type RunningService, type ServiceDefinition } from '@mesh-momentum/service-kit';
import { isolatedEnv } from '@mesh-momentum/testing';
import { testToken } from './support/ingest.ts';

/**
 * The four services started through the one service shell (`startService`, as `pnpm <service>` runs
 * them, on free ports), and the same bad requests sent to every HTTP server they open: the processor's,
 * the gateway's and its ops server, the dashboard's and the alerter's. Each answers with the same body,
 * byte for byte, in the one shape of docs/errors.md; and every metric each one exports follows the
 * naming rule.
 */
const writer = testToken('shell-test');
const running: Record<string, RunningService<Config, unknown>> = {};
/** Each server by name, with the request that writes a JSON body there (none on an ops server). */
const servers: Record<string, { url: string; write?: { method: 'POST' | 'PUT'; path: string } }> = {};

async function start<C extends Config, H>(definition: ServiceDefinition<C, H>, env: Env): Promise<void> {
  running[definition.name] = (await startService(
    definition,
    definition.loadConfig(env),
  )) as unknown as RunningService<Config, unknown>;
}

beforeAll(async () => {
  const env = isolatedEnv(inject('services'), {
    name: 'service-shell',
    env: {
      MM_PROCESSOR_HTTP_PORT: '0',
      MM_INGEST_HTTP_PORT: '0',
      MM_INGEST_OPS_PORT: '0',
      MM_INGEST_POLLERS: 'false',
      MM_DASHBOARD_HTTP_PORT: '0',
      MM_ALERTER_HTTP_PORT: '0',
    },
  });
  await Promise.all([
    start(PROCESSOR_SERVICE, env),
    start(ingestService({ file: { ...EMPTY_GATEWAY_FILE, tokens: [writer.token] } }), env),
    start(DASHBOARD_SERVICE, env),
    start(ALERTER_SERVICE, env),
  ]);
  const url = (name: string, api = false) => {
    const service = running[name] as RunningService<Config, unknown>;
    return (api ? service.apiAddress : service.opsAddress)?.url ?? '';
  };
  servers['processor'] = { url: url('processor') };
  servers['ingest'] = { url: url('ingest', true), write: { method: 'POST', path: '/v1/events' } };
  servers['ingest ops'] = { url: url('ingest') };
  servers['dashboard'] = { url: url('dashboard'), write: { method: 'PUT', path: '/api/targets?scope=mesh' } };
  servers['alerter'] = { url: url('alerter'), write: { method: 'POST', path: '/api/silences' } };
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(running).map((service) => service.stop()));
});

/** Each server's answer to the same request: status, Retry-After and body. */
async function answers(
  names: readonly string[],
  request: (name: string) => { path: string; init: RequestInit },
): Promise<Record<string, { status: number; body: unknown }>> {
  const out: Record<string, { status: number; body: unknown }> = {};
  for (const name of names) {
    const { path, init } = request(name);
    const response = await fetch(`${servers[name]?.url}${path}`, init);
    out[name] = { status: response.status, body: await response.json() };
  }
  return out;
}

/** Every answer equal to the first, which must be `expected`. */
function expectOneAnswer(
  all: Record<string, { status: number; body: unknown }>,
  expected: { status: number; body: Record<string, unknown> },
): void {
  expect(Object.keys(all).length).toBeGreaterThanOrEqual(3);
  for (const [name, answer] of Object.entries(all)) expect(answer, name).toEqual(expected);
}

const writers = () => Object.keys(servers).filter((name) => servers[name]?.write);
const bodyTo = (name: string, body: string, contentType: string) => {
  const write = servers[name]?.write ?? { method: 'POST', path: '/' };
  return {
    path: write.path,
    init: {
      method: write.method,
      headers: { 'content-type': contentType, authorization: writer.header },
      body,
    },
  };
};

describe('the four services, started through the one shell', () => {
  it('answer an unknown route alike, from every server including the ops servers', async () => {
    const all = await answers(Object.keys(servers), () => ({ path: '/no/such/route', init: {} }));
    expect(Object.keys(all)).toEqual(['processor', 'ingest', 'ingest ops', 'dashboard', 'alerter']);
    expectOneAnswer(all, {
      status: 404,
      body: {
        statusCode: 404,
        code: 'MM_ERR_HTTP_NOT_FOUND',
        error: 'Not Found',
        message: 'no route GET /no/such/route',
        retriable: false,
      },
    });
  });

  it('answer a body that is not the JSON it claims alike, naming (body)', async () => {
    const all = await answers(writers(), (name) => bodyTo(name, '{"not json', 'application/json'));
    const first = Object.values(all)[0] as { body: { message: string } };
    expectOneAnswer(all, {
      status: 400,
      body: {
        statusCode: 400,
        code: 'MM_ERR_HTTP_REQUEST_INVALID',
        error: 'Bad Request',
        message: first.body.message,
        retriable: false,
        field: '(body)',
      },
    });
    expect(first.body.message).toMatch(/JSON/);
  });

  it('answer a body over every limit alike (413), before reading it', async () => {
    const huge = `{"x":"${'x'.repeat(2 * 1024 * 1024)}"}`;
    const all = await answers(writers(), (name) => bodyTo(name, huge, 'application/json'));
    expectOneAnswer(all, {
      status: 413,
      body: {
        statusCode: 413,
        code: 'MM_ERR_HTTP_BODY_TOO_LARGE',
        error: 'Payload Too Large',
        message: 'Request body is too large',
        retriable: false,
      },
    });
  });

  it('answer a content type no route reads alike (415), naming content-type', async () => {
    const all = await answers(writers(), (name) => bodyTo(name, '<silence/>', 'application/xml'));
    const first = Object.values(all)[0] as { body: { message: string } };
    expectOneAnswer(all, {
      status: 415,
      body: {
        statusCode: 415,
        code: 'MM_ERR_HTTP_MEDIA_TYPE_UNSUPPORTED',
        error: 'Unsupported Media Type',
        message: first.body.message,
        retriable: false,
        field: 'content-type',
      },
    });
  });

  it('export only metrics named by the rule mm_<service>_<what>[_<unit>]', async () => {
    for (const [service, { opsAddress }] of Object.entries(running)) {
      const text = await (await fetch(`${opsAddress.url}/metrics`)).text();
      const names = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] as string);
      expect(names.length, service).toBeGreaterThan(5);
      for (const name of names) expect(name, service).toMatch(new RegExp(`^mm_${service}_[a-z0-9_]+$`));
    }
  });
});
