import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Snapshot } from './snapshot.ts';
import type { ScopeView } from './views.ts';

/**
 * Server-sent events (`GET /api/events`): after every refresh that changed something, one `scopes` event
 * with the snapshot generation as its id and the changed scopes' views. A client that reconnects with a
 * Last-Event-ID older than the current generation (it missed events) first gets a `resync` event: it
 * reloads what it shows. A comment line every 15 s keeps proxies from closing an idle stream.
 */
export const SSE_KEEPALIVE_MS = 15_000;

export class ChangeHub {
  readonly #clients = new Set<FastifyReply>();

  get clients(): number {
    return this.#clients.size;
  }

  publish(snapshot: Snapshot, changedIds: readonly string[]): void {
    if (changedIds.length === 0 || this.#clients.size === 0) return;
    const scopes = changedIds
      .map((id) => snapshot.byId.get(id))
      .filter((v): v is ScopeView => v !== undefined);
    const removed = changedIds.filter((id) => !snapshot.byId.has(id));
    const frame = `id: ${snapshot.generation}\nevent: scopes\ndata: ${JSON.stringify({ generation: snapshot.generation, scopes, removed })}\n\n`;
    for (const client of this.#clients) client.raw.write(frame);
  }

  register(app: FastifyInstance, current: () => Snapshot): void {
    app.get('/api/events', (request, reply) => {
      // Taken over from fastify: the stream stays open and is written by the hub.
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      const generation = current().generation;
      const lastSeen = Number(request.headers['last-event-id'] ?? Number.NaN);
      reply.raw.write(`retry: 1000\nid: ${generation}\n`);
      reply.raw.write(
        Number.isFinite(lastSeen) && lastSeen < generation
          ? `event: resync\ndata: {"generation":${generation}}\n\n`
          : `event: hello\ndata: {"generation":${generation}}\n\n`,
      );
      this.#clients.add(reply);
      const keepAlive = setInterval(() => reply.raw.write(': keep-alive\n\n'), SSE_KEEPALIVE_MS);
      request.raw.on('close', () => {
        clearInterval(keepAlive);
        this.#clients.delete(reply);
      });
    });
  }

  closeAll(): void {
    for (const client of this.#clients) client.raw.end();
    this.#clients.clear();
  }
}
