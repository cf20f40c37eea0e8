import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '@mesh-momentum/common';
import { errorHandler, installErrorReplies } from './error-reply.ts';
import {
  DEFAULT_HTTP_SERVER_SETTINGS,
  fastifyServerOptions,
  type HttpServerSettings,
} from './http-server-options.ts';

export interface HttpServerOptions {
  /** Trusted proxies and timeouts. @defaultValue DEFAULT_HTTP_SERVER_SETTINGS */
  readonly http?: HttpServerSettings;
  /** Where unforeseen request failures are logged with their stack. */
  readonly logger?: Logger;
  /** Largest request body any route reads; larger ones answer 413, bytes. @defaultValue fastify's 1 MiB */
  readonly bodyLimitBytes?: number;
}

/**
 * Every HTTP server of every service (the ops servers and the ingest API alike) is made here: the
 * service's proxy and timeout settings, and the one error handler for route errors, fastify's refusals
 * before routing and unknown routes, so each answers every refusal in the one shape (error-reply.ts).
 * While it closes (SIGTERM), fastify answers new requests 503 so that clients retry elsewhere.
 */
export function createHttpServer(options: HttpServerOptions = {}): FastifyInstance {
  const onError = errorHandler(options.logger);
  const app = Fastify({
    logger: false,
    ...(options.bodyLimitBytes === undefined ? {} : { bodyLimit: options.bodyLimitBytes }),
    ...fastifyServerOptions(options.http ?? DEFAULT_HTTP_SERVER_SETTINGS, onError),
  });
  installErrorReplies(app, options.logger);
  return app;
}

export interface HttpAddress {
  /** The address the server is bound to, as configured (`0.0.0.0` stays `0.0.0.0`). */
  readonly host: string;
  readonly port: number;
  /** Base URL to reach it; for a wildcard bind, through loopback. */
  readonly url: string;
}

/** Starts a server and tells where it really listens (fastify's own URL shows a wildcard bind as loopback). */
export async function listenHttp(
  app: FastifyInstance,
  options: { readonly host: string; readonly port: number },
): Promise<HttpAddress> {
  await app.listen({ host: options.host, port: options.port });
  const bound = app.server.address() as AddressInfo;
  const wildcard = bound.address === '0.0.0.0' || bound.address === '::';
  const reachable = wildcard ? '127.0.0.1' : bound.address;
  const urlHost = reachable.includes(':') ? `[${reachable}]` : reachable;
  return { host: bound.address, port: bound.port, url: `http://${urlHost}:${bound.port}` };
}
