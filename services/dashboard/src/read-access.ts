import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  fromTrustedProxy,
  TokenVerifier,
  type StoredToken,
  type TrustedProxies,
} from '@mesh-momentum/service-kit';
import { DashboardUnauthenticatedError } from './errors.ts';

/**
 * Who may read the dashboard's API (`/api/…`) and the scores for Prometheus (`/metrics/scores`; the web
 * UI's static files, /openapi.json and the ops endpoints stay open: they hold no scores). Open unless configured:
 * - `readTokens`: a read token or an admin token (`Authorization: Bearer <id>.<secret>`), for API clients;
 * - `userHeader`: the identity an auth proxy (oauth2-proxy) sets, e.g. `x-forwarded-user`, believed only
 *   when the request's peer is one of `trustProxy` (a client that reaches the dashboard directly and
 *   sets the header itself is refused), for people in a browser.
 */
export interface ReadAccess {
  /** Tokens that may read (MM_DASHBOARD_READ_TOKENS); any makes reads need authentication. */
  readonly readTokens: readonly StoredToken[];
  /** Admin tokens (MM_DASHBOARD_ADMIN_TOKENS): they read too, and alone leave reads open. */
  readonly adminTokens: readonly StoredToken[];
  /** Lower-case header name; undefined: no auth proxy. */
  readonly userHeader: string | undefined;
  readonly trustProxy: TrustedProxies;
}

/** Who made a request: the person an auth proxy named, and/or the token it carried. */
export interface ReaderIdentity {
  readonly user?: string;
  readonly tokenId?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who made the request, when the dashboard can tell (read-access.ts). */
    reader?: ReaderIdentity;
  }
}

/** Longest identity a proxy may assert, characters (an e-mail address fits). */
const MAX_USER_LENGTH = 256;

/** The user an auth proxy named, when the peer is a trusted proxy and the header holds one value. */
function proxyUser(access: ReadAccess, request: FastifyRequest): string | undefined {
  if (access.userHeader === undefined || !fromTrustedProxy(access.trustProxy, request)) return undefined;
  const value = request.headers[access.userHeader];
  if (typeof value !== 'string') return undefined;
  const user = value.trim();
  // Node's HTTP parser already refuses control characters in header values.
  return user === '' || user.length > MAX_USER_LENGTH ? undefined : user;
}

/**
 * Identifies every request (`request.reader`: the proxy's user and the token's id, used to attribute
 * target writes) and, when reads need authentication, refuses a request to an `/api/…` route (or `/metrics/scores`) that has
 * neither a known token nor a proxy's user (401 `MM_ERR_DASHBOARD_UNAUTHENTICATED`, with
 * `WWW-Authenticate: Bearer`). Whether a write may happen is the write guard's business, not this one's.
 */
export function installReadAccess(app: FastifyInstance, access: ReadAccess): void {
  const verifier = new TokenVerifier(
    [...access.readTokens, ...access.adminTokens],
    (reason) => new DashboardUnauthenticatedError(reason),
  );
  const required = access.readTokens.length > 0 || access.userHeader !== undefined;
  app.addHook('onRequest', async (request, reply) => {
    const user = proxyUser(access, request);
    let tokenId: string | undefined;
    let refusal: unknown;
    try {
      if (request.headers.authorization !== undefined)
        tokenId = verifier.verify(request.headers.authorization).id;
    } catch (error) {
      refusal = error;
    }
    request.reader = {
      ...(user === undefined ? {} : { user }),
      ...(tokenId === undefined ? {} : { tokenId }),
    };
    // The read API and the scores for Prometheus (which can send a bearer token) hold scores; the web UI's
    // files, /openapi.json and the probes do not.
    const route = request.routeOptions.url;
    const api = route?.startsWith('/api/') === true || route === '/metrics/scores';
    if (!required || !api || user !== undefined || tokenId !== undefined) return;
    // RFC 6750: a 401 names the scheme the client should use.
    void reply.header('www-authenticate', 'Bearer');
    throw (
      refusal ??
      new DashboardUnauthenticatedError(
        access.userHeader === undefined
          ? 'required: Bearer <token id>.<secret>'
          : `required: Bearer <token id>.<secret>, or the auth proxy's ${access.userHeader}`,
      )
    );
  });
}
