import type { AddressInfo } from 'node:net';
import { holdConnection } from '@mesh-momentum/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildGateway } from './app.ts';
import { offlineContext } from './app.test-support.ts';

/** Slow clients are cut off: an idle connection, and a request that never finishes arriving. */
let app: FastifyInstance;
let port: number;

beforeAll(async () => {
  app = await buildGateway(offlineContext([], { connectionTimeoutMs: 300, requestTimeoutMs: 600 }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await app.close();
});

/** A slow client on a real socket (one byte every `trickleEveryMs`, never finished). */
const hold = (text: string, trickleEveryMs?: number) =>
  holdConnection(port, text, {
    boundMs: 3_000,
    ...(trickleEveryMs === undefined ? {} : { trickle: { text: ' ', everyMs: trickleEveryMs } }),
  });

describe('slow clients', () => {
  it('closes a connection that sends nothing within the connection timeout', async () => {
    const { answer, closedAfterMs } = await hold('');
    expect(answer).toBe('');
    expect(closedAfterMs).toBeGreaterThanOrEqual(250);
    expect(closedAfterMs).toBeLessThan(3_000);
  });

  it('answers 408 to a request whose body trickles in slower than the request timeout, and closes it', async () => {
    // Headers promise 100 bytes; 10 arrive, then one byte every 100 ms (all of it would take 9 s).
    const { answer, closedAfterMs } = await hold(
      'POST /v1/webhooks/github HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"action":',
      100,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAfterMs).toBeGreaterThanOrEqual(550);
    expect(closedAfterMs).toBeLessThan(2_500);
  });
});
