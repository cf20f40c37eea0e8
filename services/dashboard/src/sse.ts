import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { SseClientLimitError, SsePerClientLimitError } from './errors.ts';
import type { Snapshot } from './snapshot.ts';
import type { ScopeView } from './views.ts';

/**
 * Server-sent events (`GET /api/events`): after every refresh that changed something, one `scopes` event
 * with the snapshot generation as its id and the changed scopes' views (`alerts: true` when the alerter's
 * state changed: alerts, silences or pauses). A client that reconnects with a
 * Last-Event-ID older than the current generation (it missed events) first gets a `resync` event: it
 * reloads what it shows.
 *
 * Bounded: at most `maxClients` streams are open (more are refused with 503 and Retry-After), and at
 * most `maxPerClient` from one client address (`request.ip`: behind a trusted proxy, the client before
 * it; more are refused with 429 and Retry-After), so one client cannot take every slot. A client
 * is never buffered for without bound: when a frame is due and its connection still holds more than
 * `highWaterBytes` of earlier frames unsent (it stopped reading, or reads slower than changes come),
 * it is dropped instead. A browser's EventSource then reconnects with its Last-Event-ID and gets
 * `resync`, so nothing it shows stays stale. A memory bound of about `highWaterBytes` plus one frame
 * per client. A comment line every `heartbeatMs` keeps proxies from closing an idle stream; a stream
 * whose socket takes none of its bytes for two heartbeats is closed (the server's connection timeout,
 * shorter than a heartbeat, does not apply to streams).
 */
export interface SseLimits {
  /** Open streams at most; @defaultValue 1000 (MM_DASHBOARD_SSE_MAX_CLIENTS) */
  readonly maxClients: number;
  /** Open streams from one client address at most; @defaultValue 10 (MM_DASHBOARD_SSE_MAX_PER_CLIENT) */
  readonly maxPerClient: number;
  /** Unsent bytes a client may hold when a frame is due before it is dropped; @defaultValue 1 MiB */
  readonly highWaterBytes: number;
  /** Interval of the keep-alive comment, ms; @defaultValue 15000 */
  readonly heartbeatMs: number;
}

/** Called as streams are dropped or refused (the service counts them in its metrics). */
export interface SseHooks {
  onDropped?(): void;
  onRefused?(): void;
}

/** What a refused stream is told to wait before it asks again, s. */
export const SSE_RETRY_AFTER_S = 10;

/** The keep-alive comment (a line starting with `:` is ignored by EventSource). */
const HEARTBEAT = Buffer.from(': keep-alive\n\n');

export class ChangeHub {
  readonly #limits: SseLimits;
  readonly #hooks: SseHooks;
  readonly #clients = new Set<ServerResponse>();
  /** Open streams per client address. */
  readonly #perClient = new Map<string, number>();
  #dropped = 0;
  #refused = 0;
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(limits: SseLimits, hooks: SseHooks = {}) {
    this.#limits = limits;
    this.#hooks = hooks;
  }

  /** Open streams. */
  get clients(): number {
    return this.#clients.size;
  }

  /** Streams dropped so far because their client did not keep up. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Streams refused so far because `maxClients` were open. */
  get refused(): number {
    return this.#refused;
  }

  /** Bytes written to the open streams and not yet taken by their sockets. */
  get bufferedBytes(): number {
    let sum = 0;
    for (const client of this.#clients) sum += client.writableLength;
    return sum;
  }

  publish(snapshot: Snapshot, changedIds: readonly string[], alertsChanged = false): void {
    if ((changedIds.length === 0 && !alertsChanged) || this.#clients.size === 0) return;
    const scopes = changedIds
      .map((id) => snapshot.byId.get(id))
      .filter((v): v is ScopeView => v !== undefined);
    const removed = changedIds.filter((id) => !snapshot.byId.has(id));
    // Encoded once: every client's socket holds the same buffer, not a copy of its own.
    const frame = Buffer.from(
      `id: ${snapshot.generation}\nevent: scopes\ndata: ${JSON.stringify({ generation: snapshot.generation, scopes, removed, ...(alertsChanged ? { alerts: true } : {}) })}\n\n`,
    );
    this.#broadcast(frame);
  }

  /** Sends the keep-alive comment to every stream (a timer calls it every `heartbeatMs`). */
  heartbeat(): void {
    this.#broadcast(HEARTBEAT);
  }

  #broadcast(frame: Buffer): void {
    for (const client of [...this.#clients]) {
      if (client.writableLength > this.#limits.highWaterBytes) this.#drop(client);
      else client.write(frame);
    }
  }

  #drop(client: ServerResponse): void {
    this.#clients.delete(client);
    this.#dropped += 1;
    this.#hooks.onDropped?.();
    // Destroyed, not ended: an end would wait behind the unsent bytes of a client that reads nothing.
    client.destroy();
  }

  register(app: FastifyInstance, current: () => Snapshot): void {
    this.#heartbeat ??= setInterval(() => this.heartbeat(), this.#limits.heartbeatMs);
    this.#heartbeat.unref();
    app.addHook('onClose', async () => this.closeAll());
    app.get('/api/events', (request, reply) => {
      if (this.#clients.size >= this.#limits.maxClients) {
        this.#refuse(reply, new SseClientLimitError(this.#limits.maxClients, SSE_RETRY_AFTER_S));
      }
      const client = request.ip;
      const held = this.#perClient.get(client) ?? 0;
      if (held >= this.#limits.maxPerClient) {
        this.#refuse(reply, new SsePerClientLimitError(this.#limits.maxPerClient, SSE_RETRY_AFTER_S));
      }
      // Taken over from fastify: the stream stays open and is written by the hub.
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        // nginx would otherwise buffer the stream and deliver events late.
        'x-accel-buffering': 'no',
      });
      const generation = current().generation;
      const lastSeen = Number(request.headers['last-event-id'] ?? Number.NaN);
      res.write(`retry: 1000\nid: ${generation}\n`);
      res.write(
        Number.isFinite(lastSeen) && lastSeen < generation
          ? `event: resync\ndata: {"generation":${generation}}\n\n`
          : `event: hello\ndata: {"generation":${generation}}\n\n`,
      );
      this.#clients.add(res);
      this.#perClient.set(client, held + 1);
      res.socket?.setTimeout(2 * this.#limits.heartbeatMs);
      // A reset connection: the close below forgets it; the error needs a listener not to be thrown.
      res.on('error', () => undefined);
      res.on('close', () => {
        this.#clients.delete(res);
        const left = (this.#perClient.get(client) ?? 1) - 1;
        if (left > 0) this.#perClient.set(client, left);
        else this.#perClient.delete(client);
      });
    });
  }

  #refuse(reply: FastifyReply, error: Error): never {
    this.#refused += 1;
    this.#hooks.onRefused?.();
    reply.header('retry-after', String(SSE_RETRY_AFTER_S));
    throw error;
  }

  closeAll(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    for (const client of this.#clients) {
      // A client with unsent bytes might never read them: closing must not wait for it.
      if (client.writableLength > 0) client.destroy();
      else client.end();
    }
    this.#clients.clear();
  }
}
