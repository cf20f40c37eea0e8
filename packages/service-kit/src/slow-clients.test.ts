import type { AddressInfo } from 'node:net';
import { holdConnection } from '@mesh-momentum/testing';
import { loadConfig, defineConfigSection } from '@mesh-momentum/common';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpServerSettings, httpServerVariables } from './http-server-options.ts';
import { createOpsServer } from './ops-server.ts';

/**
 * Connection exhaustion on a real socket: idle, slowloris (headers that never end), a body that
 * trickles in and an idle kept-alive connection are each cut off within their bound, while a normal
 * request still answers at once. The server is the one every service's HTTP server is built on
 * (the dashboard's and the alerter's app, every ops server), with its timeouts from the variables.
 * The timeouts are socket timers inside Node, so real time passes; they are short here.
 */
const TIMEOUTS = {
  MM_ALERTER_CONNECTION_TIMEOUT_MS: '300',
  MM_ALERTER_HEADERS_TIMEOUT_MS: '500',
  MM_ALERTER_REQUEST_TIMEOUT_MS: '800',
  MM_ALERTER_KEEP_ALIVE_TIMEOUT_MS: '400',
};
const SECTION = defineConfigSection({
  name: 'http',
  prefix: 'MM_ALERTER_',
  variables: httpServerVariables('MM_ALERTER_'),
  build: (get) => httpServerSettings('MM_ALERTER_', get),
});
/** Node checks request and headers timeouts every min(1 s, request timeout): a bound's slack, ms. */
const CHECK_INTERVAL_MS = 800;
/** Timers firing late on a busy machine (the unit tests run in parallel on two cores), ms. */
const LATE_MS = 1_500;

let app: FastifyInstance;
let port: number;

beforeAll(async () => {
  app = createOpsServer(
    { live: () => true, ready: async () => ({ ready: true, checks: {} }) },
    new Registry(),
    { http: loadConfig(TIMEOUTS, SECTION).http },
  );
  app.post('/echo', async (request) => request.body);
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await app.close();
});

describe('slow and idle clients', () => {
  it('are each cut off within their bound while a normal request still answers', async () => {
    const hold = (text: string, trickle?: { text: string; everyMs: number }) =>
      holdConnection(port, text, trickle ? { trickle } : {});
    const idle = hold('');
    const slowloris = hold('GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n', {
      text: 'x-a: b\r\n',
      everyMs: 100,
    });
    const trickling = hold(
      'POST /echo HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"a":',
      { text: ' ', everyMs: 100 },
    );
    const keptAlive = hold('GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');

    const started = performance.now();
    const normal = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(normal.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(LATE_MS);

    const cutIdle = await idle;
    expect(cutIdle.answer).toBe('');
    expect(cutIdle.closedAfterMs).toBeGreaterThanOrEqual(250);
    expect(cutIdle.closedAfterMs).toBeLessThan(300 + LATE_MS);

    const cutSlowloris = await slowloris;
    expect(cutSlowloris.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(cutSlowloris.closedAfterMs).toBeGreaterThanOrEqual(450);
    expect(cutSlowloris.closedAfterMs).toBeLessThan(500 + CHECK_INTERVAL_MS + LATE_MS);

    const cutTrickling = await trickling;
    expect(cutTrickling.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(cutTrickling.closedAfterMs).toBeGreaterThanOrEqual(750);
    expect(cutTrickling.closedAfterMs).toBeLessThan(800 + CHECK_INTERVAL_MS + LATE_MS);

    // Answered, then closed once idle for the keep-alive timeout (Node waits 1 s more, its
    // keepAliveTimeoutBuffer, so a client that read the Keep-Alive header never races the close).
    const cutKeptAlive = await keptAlive;
    expect(cutKeptAlive.answer).toMatch(/^HTTP\/1\.1 200/);
    expect(cutKeptAlive.closedAfterMs).toBeGreaterThanOrEqual(350);
    expect(cutKeptAlive.closedAfterMs).toBeLessThan(400 + 1_000 + LATE_MS);
  });
});
