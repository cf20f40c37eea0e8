import proxyAddr from '@fastify/proxy-addr';
import { ConfigError, integer, variable, type VariableSpec } from '@mesh-momentum/common';
import type { Server } from 'node:http';
import type { FastifyHttpOptions, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

/**
 * How every HTTP server of Mesh Momentum (ingest gateway, dashboard, alerter, the ops servers) treats
 * proxies and slow clients. Each service reads the same five variables under its own prefix
 * (`MM_DASHBOARD_TRUST_PROXY`, …), so one environment file can put the gateway behind an ingress and
 * leave the alerter on loopback. The values become fastify's own options: the forwarded headers are read
 * by fastify (with proxy-addr), never here.
 */

/**
 * Which peers may speak for the client through `X-Forwarded-For` / `-Proto` / `-Host`: the proxies'
 * addresses and CIDR ranges. No hop count: fastify trusts no peer on a bare count, since a count cannot
 * tell the proxy from a client that connects directly.
 */
export interface TrustedProxies {
  /** As configured (`10.0.0.0/8`, `::1`, `loopback`); empty: nobody, `request.ip` is the socket's peer. */
  readonly addresses: readonly string[];
  /** Whether the peer at `hop` (0: the socket's) is one of them. */
  readonly trusts: (address: string, hop: number) => boolean;
}

export const NO_TRUSTED_PROXIES: TrustedProxies = Object.freeze({
  addresses: Object.freeze([]),
  trusts: () => false,
});

/**
 * The value type of a `…_TRUST_PROXY` variable: the proxies' addresses and CIDR ranges, comma-separated
 * (`10.0.0.0/8,::1`), or proxy-addr's names `loopback`, `linklocal`, `uniquelocal`; empty trusts nobody.
 */
export const trustedProxies = z.string().transform((text, ctx): TrustedProxies => {
  const addresses = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (addresses.length === 0) return NO_TRUSTED_PROXIES;
  const flag = addresses.find((a) => a === 'true' || a === 'false' || /^\d+$/.test(a));
  if (flag !== undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `${JSON.stringify(flag)}: give the proxies' addresses or CIDRs, not a flag or a hop count (either would let a client that connects directly choose its own address)`,
    });
    return z.NEVER;
  }
  try {
    return Object.freeze({ addresses: Object.freeze(addresses), trusts: proxyAddr.compile(addresses) });
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: `${(error as Error).message} (expected IP addresses or CIDR ranges, comma-separated)`,
    });
    return z.NEVER;
  }
});

export interface HttpServerSettings {
  readonly trustProxy: TrustedProxies;
  /** A socket that sends nothing this long (before its first request, or mid-request) is closed, ms. */
  readonly connectionTimeoutMs: number;
  /** A request not fully received (headers and body) this long after it started is answered 408, ms. */
  readonly requestTimeoutMs: number;
  /** A request whose headers are not complete this long after it started is answered 408, ms. */
  readonly headersTimeoutMs: number;
  /** An idle kept-alive connection between two requests is closed after this long, ms. */
  readonly keepAliveTimeoutMs: number;
}

/** The defaults of every service's variables, and why. */
export const HTTP_SERVER_DEFAULTS = {
  trustProxy: '',
  // Long enough for a client on a slow link to send its next bytes; short enough that idle sockets do
  // not pile up.
  connectionTimeoutMs: '10000',
  requestTimeoutMs: '30000',
  headersTimeoutMs: '10000',
  // Above the 60 s idle timeout of common load balancers (fastify's own default), so the balancer, not
  // the service, closes an idle kept-alive connection and never sends into one being closed.
  keepAliveTimeoutMs: '72000',
} as const;

const timeout = integer(100, 600_000);
type TimeoutName<P extends string> = `${P}${'CONNECTION' | 'REQUEST' | 'HEADERS' | 'KEEP_ALIVE'}_TIMEOUT_MS`;
type HttpVariableSpecs<P extends string> = {
  readonly [K in `${P}TRUST_PROXY`]: VariableSpec<typeof trustedProxies, string>;
} & { readonly [K in TimeoutName<P>]: VariableSpec<typeof timeout, string> };

/** The five variables of one service's HTTP server under its prefix (`MM_DASHBOARD_`), for its config section. */
export function httpServerVariables<P extends string>(prefix: P): HttpVariableSpecs<P> {
  return {
    [`${prefix}TRUST_PROXY`]: variable(
      trustedProxies,
      HTTP_SERVER_DEFAULTS.trustProxy,
      'Proxies whose X-Forwarded-For/-Proto/-Host are believed (request.ip is then the client before them): their addresses and CIDRs, comma-separated (10.0.0.0/8,::1; or loopback, linklocal, uniquelocal); empty: none.',
    ),
    [`${prefix}CONNECTION_TIMEOUT_MS`]: variable(
      timeout,
      HTTP_SERVER_DEFAULTS.connectionTimeoutMs,
      'A client connection that sends nothing this long is closed (idle and slow clients), ms.',
    ),
    [`${prefix}REQUEST_TIMEOUT_MS`]: variable(
      timeout,
      HTTP_SERVER_DEFAULTS.requestTimeoutMs,
      'A request not fully received within this long is answered 408 and closed (slow uploads), ms.',
    ),
    [`${prefix}HEADERS_TIMEOUT_MS`]: variable(
      timeout,
      HTTP_SERVER_DEFAULTS.headersTimeoutMs,
      'A request whose headers are not complete within this long is answered 408 and closed (slowloris); at most the request timeout, ms.',
    ),
    [`${prefix}KEEP_ALIVE_TIMEOUT_MS`]: variable(
      timeout,
      HTTP_SERVER_DEFAULTS.keepAliveTimeoutMs,
      'An idle kept-alive connection is closed after this long; keep it above a load balancer’s idle timeout, ms.',
    ),
  } as HttpVariableSpecs<P>;
}

/** Reads the five variables of `httpServerVariables(prefix)` in a config section's `build`. */
export function httpServerSettings<P extends string>(
  prefix: P,
  get: (name: keyof HttpVariableSpecs<P> & string) => unknown,
): HttpServerSettings {
  const settings: HttpServerSettings = {
    trustProxy: get(`${prefix}TRUST_PROXY`) as TrustedProxies,
    connectionTimeoutMs: get(`${prefix}CONNECTION_TIMEOUT_MS`) as number,
    requestTimeoutMs: get(`${prefix}REQUEST_TIMEOUT_MS`) as number,
    headersTimeoutMs: get(`${prefix}HEADERS_TIMEOUT_MS`) as number,
    keepAliveTimeoutMs: get(`${prefix}KEEP_ALIVE_TIMEOUT_MS`) as number,
  };
  if (settings.headersTimeoutMs > settings.requestTimeoutMs) {
    throw new ConfigError([
      {
        field: `${prefix}HEADERS_TIMEOUT_MS`,
        reason: `must be at most ${prefix}REQUEST_TIMEOUT_MS (${settings.requestTimeoutMs}): the headers are part of the request`,
      },
    ]);
  }
  return settings;
}

/** Every setting at its default (the processor's ops server, tests). */
export const DEFAULT_HTTP_SERVER_SETTINGS: HttpServerSettings = Object.freeze({
  trustProxy: NO_TRUSTED_PROXIES,
  connectionTimeoutMs: Number(HTTP_SERVER_DEFAULTS.connectionTimeoutMs),
  requestTimeoutMs: Number(HTTP_SERVER_DEFAULTS.requestTimeoutMs),
  headersTimeoutMs: Number(HTTP_SERVER_DEFAULTS.headersTimeoutMs),
  keepAliveTimeoutMs: Number(HTTP_SERVER_DEFAULTS.keepAliveTimeoutMs),
});

/** Node checks the request and headers timeouts on a timer of this period at most, ms (its default: 30 s). */
const MAX_TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/**
 * Answers what fastify refuses before routing (a URL it cannot decode, a path parameter over its length
 * limit): these skip the error handler, so without this they would answer fastify's own shape.
 */
export type FrameworkErrorReply = (error: Error, request: FastifyRequest, reply: FastifyReply) => void;

/**
 * The fastify options for `settings`: its `trustProxy` and the server's timeouts; `onFrameworkError`
 * answers the refusals fastify makes before routing (give the service's error handler).
 */
export function fastifyServerOptions(
  settings: HttpServerSettings,
  onFrameworkError: FrameworkErrorReply,
): FastifyHttpOptions<Server> {
  const proxies = settings.trustProxy;
  return {
    frameworkErrors: onFrameworkError,
    trustProxy: proxies.addresses.length === 0 ? false : proxies.trusts,
    connectionTimeout: settings.connectionTimeoutMs,
    keepAliveTimeout: settings.keepAliveTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    // fastify sets requestTimeout on the server after creating it, which Node does not enforce on a body
    // that trickles in; given at creation it is, checked at this interval.
    http: {
      requestTimeout: settings.requestTimeoutMs,
      // Node refuses a headers timeout above the request timeout (the config check names the variable).
      headersTimeout: Math.min(settings.headersTimeoutMs, settings.requestTimeoutMs),
      connectionsCheckingInterval: Math.min(MAX_TIMEOUT_CHECK_INTERVAL_MS, settings.requestTimeoutMs),
    },
  };
}

/**
 * Whether the socket's peer is a trusted proxy, so that a header it sets (an auth proxy's identity
 * header) may be believed.
 */
export function fromTrustedProxy(proxies: TrustedProxies, request: FastifyRequest): boolean {
  const peer = request.raw.socket.remoteAddress;
  return peer !== undefined && proxies.trusts(peer, 0);
}
