import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '@mesh-momentum/common';
import type { RunningGateway } from '@mesh-momentum/ingest';
import { PROCESSOR_SECTION } from '@mesh-momentum/processor';
import { waitFor } from '@mesh-momentum/testing';
import { gatewayEnv, sendOpenMetadata, startTestGateway } from './support/ingest.ts';
import { TestPipeline } from './support/pipeline.ts';

/**
 * A dependency refusing the gateway is never taken for bad data. The real schema registry sits behind a
 * small pass-through proxy that can refuse schema registrations with 403, as a registry does once the
 * gateway's credentials were rotated (or its user lost the right), while reads and its health probe pass:
 * the poller keeps its position and reports not ready, a multi-item OpenMetadata delivery is refused
 * whole, nothing is listed as refused; once the registry accepts again, everything is sent.
 */
const adapters = (path: string): string =>
  readFileSync(new URL(`../../packages/adapters/src/${path}`, import.meta.url), 'utf8');
const OM_SECRET = 'dependency-om-secret';
const PERSON_ID_KEY = 'dependency-test-person-id-key-0123456789';

/** Forwards every request to `target`'s origin; while `refusing`, answers writes 403 itself. */
async function registryProxy(target: string) {
  const state = { refusing: true, refused: 0 };
  const origin = new URL(target).origin;
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      if (state.refusing && request.method !== 'GET') {
        state.refused++;
        response
          .writeHead(403, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error_code: 40301, message: 'User is denied operation Write on Subject' }));
        return;
      }
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      const headers = { 'content-type': request.headers['content-type'] ?? 'application/json' };
      fetch(`${origin}${request.url ?? '/'}`, { method: request.method ?? 'GET', headers, body })
        .then(async (upstream) => {
          response
            .writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? '' })
            .end(Buffer.from(await upstream.arrayBuffer()));
        })
        .catch(() => response.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { state, url: url.toString().replace(/\/$/, ''), close: () => server.close() };
}

/** A Data Mesh Manager feed of one page (the fixture's first three events) and the resources they name. */
async function dmmFeed() {
  const page = JSON.parse(adapters('dmm/fixtures/events-page.json')) as { id: string }[];
  const product = adapters('dmm/fixtures/dataproduct-orders-daily.json');
  const access = adapters('dmm/fixtures/access-2OzPnlv1OVp20sKQaqRQAl.json');
  const server = createServer((request, response) => {
    const u = new URL(request.url ?? '/', 'http://localhost');
    const send = (body: string) => response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    if (u.pathname === '/api/events')
      return send(JSON.stringify(u.searchParams.get('lastEventId') === null ? page.slice(0, 3) : []));
    if (u.pathname === '/api/dataproducts/orders-daily') return send(product);
    if (u.pathname === '/api/access/2OzPnlv1OVp20sKQaqRQAl') return send(access);
    response.writeHead(404).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    lastId: page[2]?.id,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => server.close(),
  };
}

describe('dependency errors are not bad data', () => {
  let pipeline: TestPipeline;
  let gateway: RunningGateway;
  let proxy: Awaited<ReturnType<typeof registryProxy>>;
  let feed: Awaited<ReturnType<typeof dmmFeed>>;
  const DMM_SOURCE = 'https://dependency.entropy-data.example';

  beforeAll(async () => {
    const env = gatewayEnv(inject('services'), 'ingest-dependency');
    pipeline = new TestPipeline(loadConfig(env, PROCESSOR_SECTION));
    await pipeline.createTopics();
    proxy = await registryProxy(env['MM_SCHEMA_REGISTRY_URL'] as string);
    feed = await dmmFeed();
    gateway = await startTestGateway(
      { ...env, MM_SCHEMA_REGISTRY_URL: proxy.url },
      {
        openmetadata: { source: 'https://openmetadata.dependency.example', secrets: [OM_SECRET] },
        pollers: { dmm: { source: DMM_SOURCE, url: feed.url, intervalMs: 200 } },
      },
      { MM_INGEST_PERSON_ID_KEY: PERSON_ID_KEY },
    );
  });

  afterAll(async () => {
    await gateway?.close();
    proxy?.close();
    feed?.close();
    await pipeline?.close();
  });

  const readyz = async () => {
    const response = await fetch(`${gateway.opsAddress.url}/readyz`);
    return { status: response.status, body: (await response.json()) as { checks: Record<string, boolean> } };
  };
  const cursor = () => gateway.context.redis.get(gateway.context.keys.dmmCursor(DMM_SOURCE));
  const refusals = async () =>
    (await gateway.context.unmapped.list(100)).filter((l) => l.reason.startsWith('refused'));

  it('fails poll rounds and multi-item deliveries while the registry refuses, skipping nothing; resumes once it accepts', async () => {
    // The poller's rounds fail: its position stays where it was, and the gateway says it is not ready.
    const notReady = await waitFor(
      async () => {
        const ready = await readyz();
        return ready.body.checks['pollers'] === false ? ready : undefined;
      },
      { what: '/readyz to report the failing poller', timeoutMs: 20_000 },
    );
    expect(notReady.status).toBe(503);
    expect(notReady.body.checks).toMatchObject({ registry: true, kafka: true, redis: true, pollers: false });
    expect(proxy.state.refused).toBeGreaterThan(0);
    expect(await cursor()).toBeNull();

    // An OpenMetadata delivery of several ChangeEvents is refused whole, not item by item.
    const [created, experts] = ['dataproduct-created', 'domain-experts-added'].map(
      (name) => JSON.parse(adapters(`openmetadata/fixtures/${name}.json`)) as Record<string, unknown>,
    );
    const body = JSON.stringify({
      data: [
        { ...created, id: 'dep-created' },
        { ...experts, id: 'dep-experts' },
      ],
    });
    const send = () => sendOpenMetadata(gateway.address.url, OM_SECRET, body);
    const refused = await send();
    expect(refused.status).toBe(502);
    expect(await refused.json()).toMatchObject({ code: 'MM_ERR_REGISTRY_REFUSED' });
    expect(await refusals()).toEqual([]);

    // The registry accepts again: the feed resumes from its kept position, the delivery's retry is sent.
    proxy.state.refusing = false;
    await waitFor(async () => ((await cursor()) === feed.lastId ? true : undefined), {
      what: 'the poller to send the page and move its position',
      timeoutMs: 20_000,
    });
    await waitFor(async () => ((await readyz()).status === 200 ? true : undefined), {
      what: '/readyz to recover',
      timeoutMs: 20_000,
    });
    const retried = await send();
    expect(retried.status).toBe(202);
    expect(await retried.json()).toMatchObject({ accepted: 3 });
    expect(await refusals()).toEqual([]);
  });
});
