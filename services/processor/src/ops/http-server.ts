import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export interface HealthProbe {
  /** Alive: the process can do work (the consumer has not crashed). */
  live(): boolean;
  /** Ready: connected to Kafka and Redis and consuming. */
  ready(): Promise<{ ready: boolean; checks: Record<string, boolean> }>;
}

/**
 * /healthz (liveness), /readyz (readiness, with the individual checks) and /metrics (Prometheus text).
 * Kept apart from the processor so the same server shape can serve other services.
 */
export function createOpsServer(probe: HealthProbe, metrics: Registry): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/healthz', async (_req, reply) => {
    const live = probe.live();
    return reply.code(live ? 200 : 503).send({ status: live ? 'ok' : 'down' });
  });
  app.get('/readyz', async (_req, reply) => {
    const { ready, checks } = await probe.ready();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks });
  });
  app.get('/metrics', async (_req, reply) => {
    return reply.header('content-type', metrics.contentType).send(await metrics.metrics());
  });
  return app;
}
