import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from '@mesh-momentum/common';
import { withDeadline } from './deadline.ts';
import { installErrorReplies, sendError, toHttpError } from './error-reply.ts';
import {
  DEFAULT_HTTP_SERVER_SETTINGS,
  fastifyServerOptions,
  type HttpServerSettings,
} from './http-server-options.ts';

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

export interface OpsAddress {
  /** The address the server is bound to, as configured (`0.0.0.0` stays `0.0.0.0`). */
  readonly host: string;
  readonly port: number;
  /** Base URL to reach it; for a wildcard bind, through loopback. */
  readonly url: string;
}

export interface OpsServerOptions {
  /** Trusted proxies and timeouts. @defaultValue DEFAULT_HTTP_SERVER_SETTINGS */
  readonly http?: HttpServerSettings;
  /** Where unforeseen request failures are logged with their stack. */
  readonly logger?: Logger;
}

/**
 * /healthz (liveness), /readyz (readiness, with the individual checks) and /metrics (Prometheus text),
 * the same for every service, with the service's proxy and timeout settings and the one error answer
 * shape (error-reply.ts) for whatever routes the service adds.
 */
export function createOpsServer(
  probe: HealthProbe,
  metrics: Registry,
  options: OpsServerOptions = {},
): FastifyInstance {
  const app = Fastify({
    logger: false,
    ...fastifyServerOptions(options.http ?? DEFAULT_HTTP_SERVER_SETTINGS, (error, _request, reply) => {
      sendError(reply, toHttpError(error));
    }),
  });
  installErrorReplies(app, options.logger);
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

/** Starts the ops server and tells where it really listens (fastify's own URL shows a wildcard bind as loopback). */
export async function listenOps(
  app: FastifyInstance,
  options: { readonly host: string; readonly port: number },
): Promise<OpsAddress> {
  await app.listen({ host: options.host, port: options.port });
  const bound = app.server.address() as AddressInfo;
  const wildcard = bound.address === '0.0.0.0' || bound.address === '::';
  const reachable = wildcard ? '127.0.0.1' : bound.address;
  const urlHost = reachable.includes(':') ? `[${reachable}]` : reachable;
  return { host: bound.address, port: bound.port, url: `http://${urlHost}:${bound.port}` };
}
