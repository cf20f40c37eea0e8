import { storedScore } from './score.test-support.ts';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { EMPTY_ALERT_BOARD } from './alerts.ts';
import { installErrorReplies } from '@mesh-momentum/service-kit';
import type { Snapshot } from './snapshot.ts';
import { ChangeHub, SSE_RETRY_AFTER_S, type SseLimits } from './sse.ts';
import { toView, type ScopeView } from './views.ts';

/**
 * The hub on a real HTTP server on loopback, with real TCP clients: one that reads everything and one
 * that stops reading (its socket paused: the server's writes pile up in its socket once the kernel's
 * buffers are full).
 */

const score = storedScore();

/** A snapshot of `n` products: a `scopes` event naming all of them is ~0.6 kB per product. */
function snapshotOf(n: number, generation: number): Snapshot {
  const products: ScopeView[] = [];
  for (let i = 0; i < n; i++) products.push(toView('product', score, 'd', `p${i}`));
  return {
    namespace: 'v1',
    generation,
    mesh: undefined,
    domains: [],
    products,
    byId: new Map(products.map((v) => [v.id, v])),
    alerts: EMPTY_ALERT_BOARD,
  };
}

/** A raw HTTP client of /api/events: what it received so far (the first 64 kB), and its socket. */
interface StreamClient {
  readonly socket: Socket;
  text(): string;
  /** `scopes` events received in full. */
  events(): number;
  closed(): boolean;
}

async function openStream(port: number, headers: Record<string, string> = {}): Promise<StreamClient> {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  let events = 0;
  let tail = '';
  let closed = false;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    // Kept short: events are counted by their end (`]}` and a blank line) as they pass, with the last
    // three characters of the chunk before (an end may straddle two chunks).
    if (received.length < 65_536) received += chunk;
    const text = tail + chunk;
    events += text.split(']}\n\n').length - 1;
    tail = text.slice(-3);
  });
  socket.on('close', () => {
    closed = true;
  });
  socket.on('error', () => undefined);
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
  socket.write(`GET /api/events HTTP/1.1\r\nhost: 127.0.0.1\r\n${lines.join('')}\r\n`);
  const client = { socket, text: () => received, events: () => events, closed: () => closed };
  await until(() => received.includes('\r\n\r\n') || closed);
  return client;
}

/** Waits for a condition that I/O makes true (a macrotask turn at a time, no fixed sleep). */
async function until(condition: () => boolean, turns = 100_000): Promise<void> {
  for (let i = 0; i < turns && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition(), 'condition reached').toBe(true);
}

describe('live-update streams', () => {
  let app: FastifyInstance | undefined;
  let hub: ChangeHub | undefined;
  const sockets: Socket[] = [];

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await app?.close();
    app = undefined;
  });

  async function serve(
    limits: Partial<SseLimits>,
    snapshot: () => Snapshot,
    connectionTimeout = 0,
  ): Promise<number> {
    hub = new ChangeHub({
      maxClients: 100,
      maxPerClient: 100,
      highWaterBytes: 65_536,
      heartbeatMs: 60_000,
      ...limits,
    });
    // Behind a "proxy" on loopback: X-Forwarded-For tells the test's clients apart.
    app = fastify({ trustProxy: '127.0.0.1', connectionTimeout });
    installErrorReplies(app);
    hub.register(app, snapshot);
    await app.listen({ host: '127.0.0.1', port: 0 });
    return (app.server.address() as AddressInfo).port;
  }

  const open = async (port: number, headers?: Record<string, string>) => {
    const client = await openStream(port, headers);
    sockets.push(client.socket);
    return client;
  };

  it('refuses a stream over the cap with 503, Retry-After and a stable code, and takes one when a slot frees', async () => {
    const port = await serve({ maxClients: 2 }, () => snapshotOf(0, 1));
    const a = await open(port);
    await open(port);
    const third = await open(port);
    await until(() => third.text().includes('MM_ERR_SSE_TOO_MANY_CLIENTS'));
    expect(third.text()).toMatch(/^HTTP\/1\.1 503/);
    expect(third.text().toLowerCase()).toContain(`retry-after: ${SSE_RETRY_AFTER_S}`);
    expect(third.text()).toContain('"retriable":true');
    expect(hub?.refused).toBe(1);
    expect(hub?.clients).toBe(2);
    a.socket.destroy();
    await until(() => hub?.clients === 1);
    const fourth = await open(port);
    await until(() => fourth.text().includes('event: hello'));
    expect(hub?.clients).toBe(2);
  });

  it('refuses a client over its own stream limit with 429 while other clients still get streams', async () => {
    const port = await serve({ maxClients: 10, maxPerClient: 2 }, () => snapshotOf(0, 1));
    const one = { 'x-forwarded-for': '203.0.113.1' };
    const first = await open(port, one);
    await open(port, one);
    const third = await open(port, one);
    await until(() => third.text().includes('MM_ERR_SSE_TOO_MANY_PER_CLIENT'));
    expect(third.text()).toMatch(/^HTTP\/1\.1 429/);
    expect(third.text().toLowerCase()).toContain(`retry-after: ${SSE_RETRY_AFTER_S}`);
    const other = await open(port, { 'x-forwarded-for': '203.0.113.2' });
    await until(() => other.text().includes('event: hello'));
    expect(hub?.clients).toBe(3);
    first.socket.destroy();
    await until(() => hub?.clients === 2);
    const again = await open(port, one);
    await until(() => again.text().includes('event: hello'));
  });

  it('keeps a stream open past the server’s connection timeout, its heartbeats keeping it alive', async () => {
    // Real socket timers: a 100 ms connection timeout and a heartbeat every 150 ms (the stream's socket
    // may idle two heartbeats).
    const port = await serve({ heartbeatMs: 150 }, () => snapshotOf(0, 1), 100);
    const stream = await open(port);
    await until(() => (stream.text().match(/: keep-alive/g) ?? []).length >= 4, 10_000_000);
    expect(stream.closed()).toBe(false);
    expect(hub?.clients).toBe(1);
  });

  it('drops a client that stopped reading instead of buffering for it, and keeps serving the others', async () => {
    const highWaterBytes = 65_536;
    let snapshot = snapshotOf(500, 1);
    const port = await serve({ highWaterBytes }, () => snapshot);
    const fast = await open(port);
    const slow = await open(port);
    await until(() => fast.text().includes('event: hello') && slow.text().includes('event: hello'));
    slow.socket.pause();
    const ids = snapshot.products.map((v) => v.id);
    const frameBytes = Buffer.byteLength(JSON.stringify(snapshot.products));
    let sent = 0;
    let maxBuffered = 0;
    // The kernel's socket buffers on loopback take a few MB first; then the hub's own bound applies.
    while (hub?.dropped === 0 && sent < 2_000) {
      snapshot = { ...snapshot, generation: snapshot.generation + 1 };
      hub?.publish(snapshot, ids);
      sent += 1;
      maxBuffered = Math.max(maxBuffered, hub?.bufferedBytes ?? 0);
      const expected = sent;
      await until(() => fast.events() >= expected);
    }
    expect(hub?.dropped, 'the slow client was dropped').toBe(1);
    expect(hub?.clients).toBe(1);
    // Never more than the mark plus one event held for a client (and the fast one's last event).
    expect(maxBuffered).toBeLessThanOrEqual(highWaterBytes + 2 * (frameBytes + 1_000));
    // The reader kept up and got every event.
    expect(fast.events()).toBe(sent);
    // Reading again, the slow client finds its stream ended after what the kernel still held for it.
    slow.socket.resume();
    await until(() => slow.closed());
    expect(slow.events()).toBeLessThan(sent);
  }, 60_000);

  it('sends a keep-alive comment on every heartbeat, and resync to a client that missed events', async () => {
    const port = await serve({}, () => snapshotOf(0, 5));
    const fresh = await open(port);
    const behind = await open(port, { 'last-event-id': '3' });
    await until(() => fresh.text().includes('event: hello') && behind.text().includes('event: resync'));
    hub?.heartbeat();
    await until(() => fresh.text().includes(': keep-alive\n\n') && behind.text().includes(': keep-alive'));
    expect(fresh.text()).toContain('x-accel-buffering: no');
  });
});
