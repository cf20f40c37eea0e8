import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { withDeadline } from './deadline.ts';
import { createHttpServer, type HttpServerOptions } from './http-server.ts';

/** Named checks: each true when that dependency or duty is fine. */
export type HealthChecks = Record<string, boolean>;

export interface HealthProbe {
  /** Alive: the process can still do work (restarting it would not help otherwise). */
  live(): boolean;
  /** Ready: every dependency answers and the service makes progress; `checks` says which does not. */
  ready(): Promise<{ ready: boolean; checks: HealthChecks }>;
}

/** A readiness probe that takes longer than this answers "not ready" (a hang is not readiness), ms. */
export const READINESS_TIMEOUT_MS = 3_000;

/**
 * /healthz (liveness), /readyz (readiness, with the individual checks) and /metrics (Prometheus text),
 * the same for every service, with the service's proxy and timeout settings and the one error answer
 * shape (error-reply.ts) for whatever routes the service adds.
 */
export function createOpsServer(
  probe: HealthProbe,
  metrics: Registry,
  options: HttpServerOptions = {},
): FastifyInstance {
  const app = createHttpServer(options);
  app.get('/healthz', async (_req, reply) => {
    const live = probe.live();
    return reply.code(live ? 200 : 503).send({ status: live ? 'ok' : 'down' });
  });
  app.get('/readyz', async (_req, reply) => {
    const { ready, checks } = await withDeadline(
      probe.ready(),
      READINESS_TIMEOUT_MS,
      () => new Error('readiness probe timed out'),
    ).catch(() => ({ ready: false, checks: { probeAnswered: false } as HealthChecks }));
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks });
  });
  app.get('/metrics', async (_req, reply) => {
    return reply.header('content-type', metrics.contentType).send(await metrics.metrics());
  });
  return app;
}
