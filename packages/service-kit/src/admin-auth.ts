import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ConfigError, ErrorCodes, MeshMomentumError } from '@mesh-momentum/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

/**
 * Bearer tokens for the services' admin writes (dashboard targets, alerter silences and pauses) and the
 * ingest gateway's API tokens: `<id>.<secret>`, the secret 32 random bytes in base64url. Configuration
 * holds only `sha256:<salt hex>:<digest hex>` = SHA-256(salt ‖ secret). A fast hash is enough because
 * the secret has 256 bits of entropy (nothing to brute-force, unlike a password), and it keeps a check
 * at ~1 µs; the salt makes equal secrets hash differently. Comparison is constant-time.
 */
export interface StoredToken {
  /** Names the token in logs and metrics; never secret. */
  readonly id: string;
  readonly salt: Buffer;
  readonly digest: Buffer;
}

export const TOKEN_ID_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
const HASH_PATTERN = /^sha256:([0-9a-f]{32,128}):([0-9a-f]{64})$/;
const SALT_BYTES = 16;
const SECRET_BYTES = 32;

export function hashTokenSecret(secret: string, salt: Buffer): Buffer {
  return createHash('sha256').update(salt).update(secret, 'utf8').digest();
}

/** A new token (give it to the client, once) and the hash to configure. */
export function generateToken(id: string): { readonly token: string; readonly hash: string } {
  if (!TOKEN_ID_PATTERN.test(id)) throw new RangeError(`token id must match ${TOKEN_ID_PATTERN}`);
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  const salt = randomBytes(SALT_BYTES);
  return {
    token: `${id}.${secret}`,
    hash: `sha256:${salt.toString('hex')}:${hashTokenSecret(secret, salt).toString('hex')}`,
  };
}

/** Reads a stored hash; `undefined` when it is not of the form `sha256:<salt hex>:<64 hex>`. */
export function parseTokenHash(text: string): { readonly salt: Buffer; readonly digest: Buffer } | undefined {
  const match = HASH_PATTERN.exec(text);
  if (!match || (match[1] as string).length % 2 !== 0) return undefined;
  return { salt: Buffer.from(match[1] as string, 'hex'), digest: Buffer.from(match[2] as string, 'hex') };
}

/** A write to an admin API without a configured token (401). */
export class AdminUnauthenticatedError extends MeshMomentumError {
  readonly field = 'authorization';

  constructor(reason: string) {
    super(ErrorCodes.ADMIN_UNAUTHENTICATED, `authorization: ${reason}`);
  }
}

/** Looks tokens up by id, then compares the secret's hash in constant time. */
export class TokenVerifier<T extends StoredToken = StoredToken> {
  readonly #byId: ReadonlyMap<string, T>;
  readonly #refuse: (reason: string) => Error;

  /** @param refuse the error for a missing, malformed or unknown token. @defaultValue AdminUnauthenticatedError */
  constructor(
    tokens: readonly T[],
    refuse: (reason: string) => Error = (r) => new AdminUnauthenticatedError(r),
  ) {
    this.#byId = new Map(tokens.map((t) => [t.id, t]));
    this.#refuse = refuse;
  }

  get size(): number {
    return this.#byId.size;
  }

  /** The token an `Authorization` header carries; throws the refusal when absent, malformed or unknown. */
  verify(authorization: string | undefined): T {
    if (authorization === undefined || authorization === '')
      throw this.#refuse('required: Bearer <token id>.<secret>');
    const match = /^Bearer ([^.\s]+)\.(\S+)$/.exec(authorization);
    if (!match) throw this.#refuse('must be Bearer <token id>.<secret>');
    const token = this.#byId.get(match[1] as string);
    // Same work whether or not the id exists, so timing does not tell which ids are real.
    const expected = token?.digest ?? Buffer.alloc(32);
    const actual = hashTokenSecret(match[2] as string, token?.salt ?? Buffer.alloc(SALT_BYTES));
    if (!timingSafeEqual(expected, actual) || token === undefined) throw this.#refuse('unknown token');
    return token;
  }
}

/**
 * The value type of an `…_ADMIN_TOKENS` variable: comma-separated `<id>=sha256:<salt>:<digest>` entries
 * (`pnpm admin:token <id>` prints one); empty means no token. Use with `variable(adminTokenList, '', …)`.
 */
export const adminTokenList = z.string().transform((text, ctx): StoredToken[] => {
  const tokens: StoredToken[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of text.split(',').entries()) {
    const entry = raw.trim();
    if (entry === '') continue;
    const at = entry.indexOf('=');
    const id = at < 0 ? '' : entry.slice(0, at);
    const hash = at < 0 ? undefined : parseTokenHash(entry.slice(at + 1));
    const problem = !TOKEN_ID_PATTERN.test(id)
      ? `entry ${index + 1} must start with a token id (${TOKEN_ID_PATTERN}) and '='`
      : hash === undefined
        ? `entry ${index + 1} (${id}) must be <id>=sha256:<salt hex>:<64 hex digits>, as pnpm admin:token prints`
        : seen.has(id)
          ? `token id ${id} appears twice`
          : undefined;
    if (problem !== undefined || hash === undefined) {
      ctx.addIssue({ code: 'custom', message: problem ?? 'invalid entry' });
      return z.NEVER;
    }
    seen.add(id);
    tokens.push({ id, ...hash });
  }
  return tokens;
});

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Admin writes answer only requests with a configured token. Without any token they stay open, but only
 * on loopback (a developer's machine, the demo); a service reachable from elsewhere with open admin
 * writes is refused at start-up, naming both variables.
 */
export function assertAdminWritesProtected(options: {
  readonly host: string;
  readonly hostVariable: string;
  readonly tokens: readonly StoredToken[];
  readonly tokensVariable: string;
}): void {
  if (options.tokens.length > 0 || isLoopbackHost(options.host)) return;
  throw new ConfigError([
    {
      field: options.tokensVariable,
      reason: `must hold at least one admin token when ${options.hostVariable}=${options.host} is reachable beyond loopback (pnpm admin:token <id> makes one)`,
    },
  ]);
}

/**
 * A token-less admin write that may not come from this machine's user: its `Host` names something other
 * than loopback, or a proxy forwarded it (403).
 */
export class AdminHostRefusedError extends MeshMomentumError {
  readonly field: 'host' | 'x-forwarded-for';

  constructor(host: string | undefined, forwarded = false) {
    super(
      ErrorCodes.ADMIN_HOST_REFUSED,
      forwarded
        ? 'x-forwarded-for: a proxy forwarded this write; writes without an admin token are served to this machine only (configure admin tokens to write through a proxy)'
        : `host: ${host === undefined ? 'missing' : JSON.stringify(host)} is not a loopback name or address; writes without an admin token are served to localhost, 127.0.0.1 and [::1] only (configure admin tokens to write through any other name)`,
    );
    this.field = forwarded ? 'x-forwarded-for' : 'host';
  }
}

/** The host name of a `Host` header without its port (`[::1]:8091` → `::1`), or undefined when malformed. */
function hostName(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  try {
    return new URL(`http://${header}/`).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return undefined;
  }
}

/**
 * A fastify `onRequest` hook for write routes. With tokens configured, a request must carry one (401
 * `MM_ERR_ADMIN_UNAUTHENTICATED` with `WWW-Authenticate: Bearer` otherwise). Without tokens the writes
 * are open, which start-up allows on loopback only (`assertAdminWritesProtected`); there a write must
 * also name a loopback `Host` and carry no proxy's `X-Forwarded-For`/`Forwarded` (403
 * `MM_ERR_ADMIN_HOST_REFUSED` otherwise): a web page that rebinds its own DNS name to 127.0.0.1 reaches
 * the port, but its requests carry its own name as `Host`; a proxy on this machine passes on other
 * people's requests.
 */
export function adminAuthHook(
  tokens: readonly StoredToken[],
): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const verifier = new TokenVerifier(tokens);
  return async (request, reply) => {
    if (verifier.size === 0) {
      const name = hostName(request.headers.host);
      if (name === undefined || !isLoopbackHost(name)) throw new AdminHostRefusedError(request.headers.host);
      if (request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined)
        throw new AdminHostRefusedError(request.headers.host, true);
      return;
    }
    try {
      verifier.verify(request.headers.authorization);
    } catch (error) {
      // RFC 6750: a 401 names the scheme the client should use.
      void reply.header('www-authenticate', 'Bearer');
      throw error;
    }
  };
}
