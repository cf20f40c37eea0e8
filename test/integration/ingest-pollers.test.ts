import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createIdentityResolver, EMPTY_IDENTITY_CONFIG } from '@mesh-momentum/adapters';
import { loadConfig } from '@mesh-momentum/common';
import { PROCESSOR_SECTION } from '@mesh-momentum/processor';
import {
  BackstagePoller,
  DmmPoller,
  ingestKeys,
  Publisher,
  type PollerDeps,
  UnmappedRegistry,
} from '@mesh-momentum/ingest';
import { createMeshMomentumProducer, type MeshMomentumProducer } from '@mesh-momentum/sdk';
import { startSilentServer, waitFor } from '@mesh-momentum/testing';
import { gatewayEnv, startTestGateway, testToken } from './support/ingest.ts';
import { processorConfig, TestPipeline } from './support/pipeline.ts';

/**
 * The pollers against small real HTTP servers serving recorded responses of the tools' documented
 * formats (the adapters' fixtures), sending to real Kafka and keeping their state in real Redis.
 */
const fixture = (path: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../packages/adapters/src/${path}`, import.meta.url), 'utf8'));

type Route = (url: URL, response: ServerResponse) => void;

/** A stop must not wait for a tool's request timeout (30 s): only for a send under way and a Redis write, ms. */
const STOP_BOUND_MS = 3_000;

async function serve(route: Route): Promise<{ server: Server; url: string }> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    route(new URL(request.url ?? '/', 'http://localhost'), response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

describe('pollers on recorded tool responses', () => {
  let pipeline: TestPipeline;
  let producer: MeshMomentumProducer;
  let deps: PollerDeps;
  const servers: Server[] = [];

  beforeAll(async () => {
    const config = processorConfig(inject('services'), { name: 'ingest-pollers' });
    pipeline = new TestPipeline(config);
    await pipeline.createTopics();
    producer = createMeshMomentumProducer({ config, lingerMs: 1 });
    const keys = ingestKeys(config.redis.keyPrefix);
    deps = {
      redis: pipeline.redis,
      keys,
      publisher: Publisher.fromConfig(producer, config, 10_000),
      identity: createIdentityResolver(EMPTY_IDENTITY_CONFIG),
      unmapped: new UnmappedRegistry(pipeline.redis, keys.unmapped, 100),
      clock: Date.now,
    };
  });

  afterAll(async () => {
    for (const s of servers) s.close();
    await producer?.close();
    await pipeline?.close();
  });

  it('Data Mesh Manager feed: a restart mid-feed neither skips nor repeats an event', async () => {
    const page = fixture('dmm/fixtures/events-page.json') as { id: string }[];
    const product = fixture('dmm/fixtures/dataproduct-orders-daily.json');
    const access = fixture('dmm/fixtures/access-2OzPnlv1OVp20sKQaqRQAl.json');
    const asked: (string | null)[] = [];
    let failSecondPageOnce = true;
    let productDeleted = false;
    const { server, url } = await serve((u, response) => {
      if (u.pathname === '/api/events') {
        const last = u.searchParams.get('lastEventId');
        asked.push(last);
        if (last === null) return json(response, 200, page.slice(0, 3));
        if (last === page[2]?.id) {
          // The gateway dies (here: the tool fails) between the first page and the second.
          if (failSecondPageOnce) {
            failSecondPageOnce = false;
            return json(response, 500, { error: 'boom' });
          }
          productDeleted = true;
          return json(response, 200, page.slice(3));
        }
        return json(response, 200, []);
      }
      // After the deletion the product can no longer be read: the poller uses the last body it saw.
      if (u.pathname === '/api/dataproducts/orders-daily')
        return productDeleted ? json(response, 404, {}) : json(response, 200, product);
      if (u.pathname === '/api/access/2OzPnlv1OVp20sKQaqRQAl') return json(response, 200, access);
      return json(response, 404, {});
    });
    servers.push(server);
    const options = { source: 'https://app.entropy-data.example', url, apiKey: 'k' };

    const first = new DmmPoller(options, deps);
    await expect(first.pollOnce()).rejects.toThrow(/answered 500/);
    expect(await deps.redis.get(deps.keys.dmmCursor(options.source))).toBe(page[2]?.id);

    const restarted = new DmmPoller(options, deps);
    const round = await restarted.pollOnce();
    expect(round).toMatchObject({ read: 2, sent: 2, cursor: page[4]?.id });
    expect(asked).toEqual([null, page[2]?.id, page[2]?.id, page[4]?.id]);

    const processor = await pipeline.startProcessor();
    await waitFor(async () => (processor.stats.applied >= 4 ? true : undefined), {
      what: 'the four feed events applied',
      timeoutMs: 30_000,
    });
    // Published + onboarded from page 1, offboarded + retired from page 2; nothing twice.
    expect(processor.stats).toMatchObject({ applied: 4, skipped: 0, deadLettered: 0 });
  });

  it('Data Mesh Manager feed: an item that can never be mapped is listed and skipped, not retried forever', async () => {
    const page = fixture('dmm/fixtures/events-page.json') as {
      id: string;
      subject: string;
      data: Record<string, unknown>;
    }[];
    const product = fixture('dmm/fixtures/dataproduct-orders-daily.json');
    // An access activated, then deleted in the tool before the poller read it: GET answers 404 for good.
    const activated = page[2]!;
    const gone = {
      ...activated,
      id: 'ffffffff-0000-4000-8000-00000000gone',
      subject: 'gone-access',
      data: { ...activated.data, id: 'gone-access' },
    };
    const { server, url } = await serve((u, response) => {
      if (u.pathname === '/api/events')
        return u.searchParams.get('lastEventId') === null
          ? json(response, 200, [gone, page[0]])
          : json(response, 200, []);
      if (u.pathname === '/api/dataproducts/orders-daily') return json(response, 200, product);
      return json(response, 404, {});
    });
    servers.push(server);
    const options = { source: 'https://skip.entropy-data.example', url, apiKey: 'k' };

    const round = await new DmmPoller(options, deps).pollOnce();
    expect(round).toMatchObject({ read: 2, sent: 1, cursor: page[0]?.id });
    expect(await deps.redis.get(deps.keys.dmmCursor(options.source))).toBe(page[0]?.id);
    const listed = await deps.unmapped.list(100);
    expect(listed.map((l) => l.ref)).toContain(`event ${gone.id} (AccessActivatedEvent gone-access)`);
  });

  it('Backstage catalog: first poll discovers the existing products, the next sends the difference, a restart sends nothing again', async () => {
    const before = fixture('backstage/fixtures/catalog-before.json') as unknown[];
    const after = fixture('backstage/fixtures/catalog-after-by-query.json');
    let current: 'before' | 'after' = 'before';
    const { server, url } = await serve((u, response) => {
      if (u.pathname !== '/api/catalog/entities/by-query') return json(response, 404, {});
      if (current === 'after') return json(response, 200, after);
      // Two pages, joined by the cursor.
      if (u.searchParams.get('cursor') === null)
        return json(response, 200, { items: before.slice(0, 3), pageInfo: { nextCursor: 'page-2' } });
      return json(response, 200, { items: before.slice(3), pageInfo: {} });
    });
    servers.push(server);
    const options = { source: 'https://backstage.acme.example', url: `${url}/api/catalog`, token: 't' };

    // The baseline: the two live data products of the catalog, discovered (no weight), nothing published.
    expect(await new BackstagePoller(options, deps).pollOnce()).toMatchObject({
      baseline: true,
      sent: 2,
      entities: before.length,
    });
    const unmapped = await deps.unmapped.list(10);
    expect(unmapped).toEqual(
      expect.arrayContaining([expect.objectContaining({ ref: 'component:default/legacy-report' })]),
    );

    current = 'after';
    const changed = await new BackstagePoller(options, deps).pollOnce();
    expect(changed.baseline).toBe(false);
    expect(changed.sent).toBeGreaterThan(0);
    expect(await new BackstagePoller(options, deps).pollOnce()).toMatchObject({ baseline: false, sent: 0 });
  });

  it('Data Mesh Manager feed: a round stopped mid-feed keeps the sent page and resumes after it', async () => {
    const page = fixture('dmm/fixtures/events-page.json') as { id: string }[];
    const product = fixture('dmm/fixtures/dataproduct-orders-daily.json');
    const access = fixture('dmm/fixtures/access-2OzPnlv1OVp20sKQaqRQAl.json');
    let hang = true;
    let hanging: (() => void) | undefined;
    const secondPageAsked = new Promise<void>((resolve) => (hanging = resolve));
    const held: ServerResponse[] = [];
    const { server, url } = await serve((u, response) => {
      if (u.pathname === '/api/events') {
        const last = u.searchParams.get('lastEventId');
        if (last === null) return json(response, 200, page.slice(0, 3));
        if (last === page[2]?.id && hang) {
          // A long-poll that holds its answer: the round is stopped while it waits.
          held.push(response);
          hanging?.();
          return;
        }
        return json(response, 200, last === page[2]?.id ? page.slice(3) : []);
      }
      if (u.pathname === '/api/dataproducts/orders-daily') return json(response, 200, product);
      if (u.pathname === '/api/access/2OzPnlv1OVp20sKQaqRQAl') return json(response, 200, access);
      return json(response, 404, {});
    });
    servers.push(server);
    const options = { source: 'https://stop.entropy-data.example', url, apiKey: 'k' };

    const stopping = new AbortController();
    const round = new DmmPoller(options, deps).pollOnce(stopping.signal);
    await secondPageAsked;
    const started = Date.now();
    stopping.abort(new Error('stopping'));
    await expect(round).rejects.toThrow('stopping');
    expect(Date.now() - started).toBeLessThan(STOP_BOUND_MS);
    for (const r of held) r.destroy();
    // The first page was sent and its position saved; nothing past it.
    expect(await deps.redis.get(deps.keys.dmmCursor(options.source))).toBe(page[2]?.id);

    hang = false;
    expect(await new DmmPoller(options, deps).pollOnce()).toMatchObject({ read: 2, cursor: page[4]?.id });
  });

  it('gateway close() stops pollers waiting on silent tools within a bound, not after their request timeout', async () => {
    const silent = await startSilentServer();
    try {
      const env = gatewayEnv(inject('services'), 'ingest-pollers-stop');
      const gateway = await startTestGateway(env, {
        pollers: {
          dmm: {
            source: 'https://silent.entropy-data.example',
            url: `http://127.0.0.1:${silent.port}`,
            intervalMs: 60_000,
          },
          backstage: {
            source: 'https://silent.backstage.example',
            url: `http://127.0.0.1:${silent.port}/api/catalog`,
            intervalMs: 60_000,
            maxRetireShare: 0.5,
          },
        },
      });
      expect(gateway.pollers.names).toEqual(['backstage', 'dmm']);
      await waitFor(() => (silent.accepted >= 2 ? true : undefined), {
        what: 'both pollers waiting on the silent tool',
        timeoutMs: 10_000,
      });
      const started = Date.now();
      await gateway.close();
      expect(Date.now() - started).toBeLessThan(STOP_BOUND_MS);
    } finally {
      await silent.close();
    }
  });

  it('Backstage catalog suddenly empty: the round is held and listed until confirmed or recovered', async () => {
    const before = fixture('backstage/fixtures/catalog-before.json') as unknown[];
    let catalog: unknown[] = before;
    const { server, url } = await serve((u, response) => {
      if (u.pathname !== '/api/catalog/entities/by-query') return json(response, 404, {});
      return json(response, 200, { items: catalog, pageInfo: {} });
    });
    servers.push(server);
    const source = 'https://guarded.backstage.example';
    const admin = testToken('ops', { admin: true });
    // The admin API of a gateway that knows this Backstage source; its context (Redis, keys, publisher)
    // is the one its own poller would use. The round is run here, by hand.
    const env = gatewayEnv(inject('services'), 'ingest-backstage-guard');
    const topics = new TestPipeline(loadConfig(env, PROCESSOR_SECTION));
    await topics.createTopics();
    const gateway = await startTestGateway(
      env,
      {
        tokens: [admin.token],
        pollers: {
          backstage: { source, url: `${url}/api/catalog`, intervalMs: 60_000, maxRetireShare: 0.5 },
        },
      },
      { MM_INGEST_POLLERS: 'false' },
    );
    try {
      const ctx = gateway.context;
      const poller = new BackstagePoller(
        { source, url: `${url}/api/catalog`, token: undefined, maxRetireShare: 0.5 },
        ctx,
      );
      const snapshot = () => ctx.redis.get(ctx.keys.backstageSnapshot(source));
      const listing = async () => {
        const response = await fetch(`${gateway.address.url}/v1/admin/backstage/retirements`, {
          headers: { authorization: admin.header },
        });
        expect(response.status).toBe(200);
        return (await response.json()) as Record<string, unknown>;
      };
      expect(await poller.pollOnce()).toMatchObject({ baseline: true, sent: 2 });
      const baseline = await snapshot();

      // The catalog answers with nothing: both known products would be retired. Held.
      catalog = [];
      const held = await poller.pollOnce();
      expect(held).toMatchObject({ sent: 0, held: { knownProducts: 2, share: 1, maxShare: 0.5 } });
      expect(held.held?.retiring).toHaveLength(2);
      expect(await snapshot()).toBe(baseline);
      expect(await listing()).toMatchObject({
        held: true,
        knownProducts: 2,
        retiring: 2,
        products: expect.arrayContaining(['component:default/orders-daily']),
      });

      // It recovers: the round goes ahead against the kept snapshot (no change) and the hold is gone.
      catalog = before;
      const recovered = await poller.pollOnce();
      expect(recovered.sent).toBe(0);
      expect(recovered.held).toBeUndefined();
      expect(await listing()).toEqual({ held: false, source });

      // Empty again, and an operator confirms: the next round sends the retirements.
      catalog = [];
      expect((await poller.pollOnce()).held).toBeDefined();
      const confirm = await fetch(`${gateway.address.url}/v1/admin/backstage/retirements/confirm`, {
        method: 'POST',
        headers: { authorization: admin.header },
      });
      expect(confirm.status).toBe(202);
      expect(await confirm.json()).toMatchObject({ confirmed: true, retiring: 2 });
      const sent = await poller.pollOnce();
      // Two products retired, and their two consumers offboarded.
      expect(sent.sent).toBe(4);
      expect(sent.held).toBeUndefined();
      expect(await listing()).toEqual({ held: false, source });
      const nothingHeld = await fetch(`${gateway.address.url}/v1/admin/backstage/retirements/confirm`, {
        method: 'POST',
        headers: { authorization: admin.header },
      });
      expect(nothingHeld.status).toBe(404);
    } finally {
      await gateway.close();
      await topics.close();
    }
  });
});
