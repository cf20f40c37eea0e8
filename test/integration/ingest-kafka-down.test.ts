import { readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { bodyDeliveryId } from '@mesh-momentum/adapters';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '@mesh-momentum/common';
import { PROCESSOR_SECTION } from '@mesh-momentum/processor';
import type { RunningGateway } from '@mesh-momentum/ingest';
import { domainRef, MomentumReader, productRef } from '@mesh-momentum/store';
import { startSilentServer, waitFor, type SilentServer } from '@mesh-momentum/testing';
import { signGithubPayload } from '@mesh-momentum/webhook-auth';
import { TestPipeline } from './support/pipeline.ts';
import { gatewayEnv, startTestGateway, testToken } from './support/ingest.ts';
import { scoreOf } from './support/scores.ts';

/**
 * Kafka unavailable: a gateway whose brokers accept connections and never answer (a silent TCP port; the
 * shared Kafka is never stopped) answers 503 with Retry-After within MM_INGEST_ACK_TIMEOUT_MS and frees
 * the webhook's delivery id. The client's retry against a gateway on the real Kafka is then accepted,
 * and the event counts once.
 */
const GITHUB_SECRET = 'down-secret';
const release = readFileSync(
  new URL('../../packages/adapters/src/github/fixtures/release-published.json', import.meta.url),
  'utf8',
);

describe('ingest gateway with Kafka unavailable', () => {
  let silent: SilentServer;
  let pipeline: TestPipeline;
  let down: RunningGateway;
  let up: RunningGateway | undefined;
  const writer = testToken('writer');
  let env: Record<string, string>;
  const file = () => ({
    tokens: [writer.token],
    github: { source: 'https://github.com/acme-data', secrets: [GITHUB_SECRET] },
  });

  beforeAll(async () => {
    env = gatewayEnv(inject('services'), 'ingest-down');
    pipeline = new TestPipeline(loadConfig(env, PROCESSOR_SECTION));
    await pipeline.createTopics();
    silent = await startSilentServer();
    down = await startTestGateway({ ...env, MM_KAFKA_BROKERS: `127.0.0.1:${silent.port}` }, file(), {
      MM_INGEST_ACK_TIMEOUT_MS: '1500',
    });
  });

  afterAll(async () => {
    await up?.close();
    await down?.close();
    await silent?.close();
    await pipeline?.close();
  });

  const event = {
    id: 'retry-me-1',
    type: 'ChampionGained',
    domain: 'payments',
    personId: 'p-down',
    role: 'sponsor',
    time: '2026-11-30T08:00:00Z',
  };
  const sendEvent = (url: string) =>
    fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { authorization: writer.header, 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
  const sendRelease = (url: string) =>
    fetch(`${url}/v1/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'release',
        'x-github-delivery': 'down-delivery-1',
        'x-hub-signature-256': signGithubPayload(release, GITHUB_SECRET),
      },
      body: release,
    });

  it('answers 503 with Retry-After within the ack timeout, then accepts the retry once Kafka answers', async () => {
    const started = Date.now();
    const refused = await sendEvent(down.address.url);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ code: 'MM_ERR_KAFKA_UNAVAILABLE', statusCode: 503 });
    expect(silent.accepted).toBeGreaterThan(0);

    const webhook = await sendRelease(down.address.url);
    expect(webhook.status).toBe(503);
    // The delivery id was released, so GitHub's redelivery is processed rather than called a duplicate.
    // (The replay ledger is keyed on the signed body's hash: the delivery-id header is not signed.)
    const key = down.context.keys.delivery('github', 'https://github.com/acme-data', bodyDeliveryId(release));
    expect(await pipeline.redis.get(key)).toBeNull();

    const ready = await fetch(`${down.opsAddress.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { kafka: false, redis: true } });

    // Kafka back (here: a gateway on the real brokers, same Redis and topics): the client retries.
    up = await startTestGateway(env, file());
    expect((await sendEvent(up.address.url)).status).toBe(202);
    expect((await sendRelease(up.address.url)).status).toBe(202);
    expect((await sendRelease(up.address.url)).status).toBe(200);

    const processor = await pipeline.startProcessor();
    const reader = new MomentumReader(pipeline.redis, { prefix: pipeline.config.redis.keyPrefix });
    const domain = await waitFor(
      async () => {
        const s = await scoreOf(reader, domainRef('payments'));
        return s && s.eventCount >= 2 ? s : undefined;
      },
      { what: 'both retried events in the scores', timeoutMs: 30_000 },
    );
    expect(domain.eventCount).toBe(2);
    const product = await scoreOf(reader, productRef('payments', 'payments.orders-daily'));
    expect(product?.eventCount).toBe(1);
    expect(processor.stats.applied).toBe(2);
  });
});

/** A free loopback port: bound, then released for the test to use later. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A TCP relay on `port` to the real broker: the gateway's bootstrap address. Kafka's metadata then names
 * the broker's own address, so only new bootstrap connections (a readiness probe, a producer's
 * (re)connect) go through here; closing it is Kafka gone for them, without touching the shared Kafka.
 */
async function relay(port: number, target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('ingest gateway readiness follows Kafka', () => {
  let pipeline: TestPipeline;
  let gateway: RunningGateway | undefined;
  let bridge: { close(): Promise<void> } | undefined;
  const writer = testToken('ready-writer');

  afterAll(async () => {
    await gateway?.close();
    await bridge?.close();
    await pipeline?.close();
  });

  const readiness = async (g: RunningGateway) => {
    const response = await fetch(`${g.opsAddress.url}/readyz`);
    return { status: response.status, body: (await response.json()) as { checks: Record<string, boolean> } };
  };

  it('is not ready while the brokers are unreachable, ready once they answer, and not ready again when they go', async () => {
    const env = gatewayEnv(inject('services'), 'ingest-ready');
    pipeline = new TestPipeline(loadConfig(env, PROCESSOR_SECTION));
    await pipeline.createTopics();
    const [host, port] = (env['MM_KAFKA_BROKERS'] ?? '').split(',')[0]?.split(':') ?? [];
    const target = { host: host ?? '127.0.0.1', port: Number(port) };
    const bootstrap = await freePort();
    // Nothing listens at the bootstrap address yet: the producer's first connect fails.
    gateway = await startTestGateway(
      { ...env, MM_KAFKA_BROKERS: `127.0.0.1:${bootstrap}` },
      { tokens: [writer.token] },
      { MM_INGEST_ACK_TIMEOUT_MS: '1500' },
    );
    const g = gateway;
    const before = await readiness(g);
    expect(before.status).toBe(503);
    expect(before.body.checks).toMatchObject({ kafka: false, redis: true, registry: true });

    bridge = await relay(bootstrap, target);
    await waitFor(async () => ((await readiness(g)).status === 200 ? true : undefined), {
      what: '/readyz 200 once Kafka answers',
      timeoutMs: 20_000,
    });
    // The failed first connect is retried by the next send: the event is acknowledged.
    const sent = await waitFor(
      async () => {
        const response = await fetch(`${g.address.url}/v1/events`, {
          method: 'POST',
          headers: { authorization: writer.header, 'content-type': 'application/json' },
          body: JSON.stringify({
            id: 'ready-1',
            type: 'ChampionGained',
            domain: 'payments',
            personId: 'p-ready',
            role: 'sponsor',
            time: '2026-11-30T08:00:00Z',
          }),
        });
        return response.status === 202 ? response.status : undefined;
      },
      { what: 'an event acknowledged after Kafka came back', timeoutMs: 20_000, intervalMs: 500 },
    );
    expect(sent).toBe(202);

    await bridge.close();
    bridge = undefined;
    const after = await waitFor(
      async () => {
        const r = await readiness(g);
        return r.status === 503 ? r : undefined;
      },
      { what: '/readyz 503 once Kafka is gone', timeoutMs: 20_000 },
    );
    expect(after.body.checks).toMatchObject({ kafka: false, redis: true });
  });
});
