import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { IngestError, IngestErrorCodes } from '../errors.ts';

/**
 * API tokens: `<id>.<secret>`, the secret 32 random bytes in base64url. The config file stores only
 * `sha256:<salt hex>:<digest hex>` = SHA-256(salt ‖ secret). A fast hash is enough because the secret
 * has 256 bits of entropy (nothing to brute-force, unlike a password), and it keeps verification
 * ~1 µs per request; the salt makes equal secrets hash differently. Comparison is constant-time.
 */
export interface ApiToken {
  /** Names the token in logs, metrics and rate-limit keys; never secret. */
  readonly id: string;
  readonly salt: Buffer;
  readonly digest: Buffer;
  /** Event types it may send; `*` = any. */
  readonly eventTypes: ReadonlySet<string>;
  /** Domains it may send for; `*` = any. */
  readonly domains: ReadonlySet<string>;
  /** May call /v1/admin/*. */
  readonly admin: boolean;
  /**
   * The `source` values its events may carry (`*` = any). Without this binding a token scoped to a few
   * types and domains could still speak as any tool. See {@link tokenSources}.
   */
  readonly sources: ReadonlySet<string>;
  /** The `source` given to its events that carry none. */
  readonly defaultSource: string;
}

/** The source of a token's events when its config names none: `urn:meshmomentum:token:<id>`. */
export function tokenUrn(id: string): string {
  return `urn:meshmomentum:token:${id}`;
}

/**
 * A token's source binding from its config entry: the `sources` listed (the first is the default for
 * events without one; `["*"]` allows any, with the token's URN as default), or else only the token's
 * URN.
 */
export function tokenSources(
  id: string,
  configured: readonly string[] | undefined,
): Pick<ApiToken, 'sources' | 'defaultSource'> {
  if (configured === undefined || configured.length === 0)
    return { sources: new Set([tokenUrn(id)]), defaultSource: tokenUrn(id) };
  const first = configured[0] as string;
  return { sources: new Set(configured), defaultSource: first === '*' ? tokenUrn(id) : first };
}

export const TOKEN_ID_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
const HASH_PATTERN = /^sha256:([0-9a-f]{32,128}):([0-9a-f]{64})$/;
const SALT_BYTES = 16;
const SECRET_BYTES = 32;

export function hashTokenSecret(secret: string, salt: Buffer): Buffer {
  return createHash('sha256').update(salt).update(secret, 'utf8').digest();
}

/** A new token and the line to store: for `pnpm ingest:token <id>`, and tests. */
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

/** Looks tokens up by id, then compares the secret's hash in constant time. */
export class TokenVerifier {
  readonly #byId: ReadonlyMap<string, ApiToken>;

  constructor(tokens: readonly ApiToken[]) {
    this.#byId = new Map(tokens.map((t) => [t.id, t]));
  }

  get size(): number {
    return this.#byId.size;
  }

  /** The token an `Authorization` header carries; throws 401 when absent, malformed or unknown. */
  verify(authorization: string | undefined): ApiToken {
    const unauthenticated = (why: string) =>
      new IngestError(IngestErrorCodes.UNAUTHENTICATED, `authorization: ${why}`, { field: 'authorization' });
    if (authorization === undefined || authorization === '')
      throw unauthenticated('required: Bearer <token id>.<secret>');
    const match = /^Bearer ([^.\s]+)\.(\S+)$/.exec(authorization);
    if (!match) throw unauthenticated('must be Bearer <token id>.<secret>');
    const token = this.#byId.get(match[1] as string);
    // Same work whether or not the id exists, so timing does not tell which ids are real.
    const expected = token?.digest ?? Buffer.alloc(32);
    const actual = hashTokenSecret(match[2] as string, token?.salt ?? Buffer.alloc(SALT_BYTES));
    if (!timingSafeEqual(expected, actual) || token === undefined) throw unauthenticated('unknown token');
    return token;
  }
}

/** 403 unless `token` may send an event of `type` for `domain`. */
export function checkScope(token: ApiToken, type: string, domain: unknown): void {
  if (!token.eventTypes.has('*') && !token.eventTypes.has(type)) {
    throw new IngestError(
      IngestErrorCodes.FORBIDDEN,
      `type: token ${token.id} may not send ${type} (allowed: ${[...token.eventTypes].join(', ')})`,
      { field: 'type' },
    );
  }
  if (!token.domains.has('*') && !(typeof domain === 'string' && token.domains.has(domain))) {
    throw new IngestError(
      IngestErrorCodes.FORBIDDEN,
      `domain: token ${token.id} may not send for domain ${JSON.stringify(domain)} (allowed: ${[...token.domains].join(', ')})`,
      { field: 'domain' },
    );
  }
}

/**
 * The `source` an event of `token` goes out with: its own when the token may use it, the token's default
 * when it has none; 403 naming `source` otherwise. A value that is not a string is returned as is, for
 * validation to refuse (400).
 */
export function checkSource(token: ApiToken, source: unknown): unknown {
  if (source === undefined || source === null) return token.defaultSource;
  if (typeof source !== 'string' || token.sources.has('*') || token.sources.has(source)) return source;
  throw new IngestError(
    IngestErrorCodes.FORBIDDEN,
    `source: token ${token.id} may not send events as ${JSON.stringify(source)} (allowed: ${[...token.sources].join(', ')})`,
    { field: 'source' },
  );
}

export function requireAdmin(token: ApiToken): void {
  if (!token.admin)
    throw new IngestError(IngestErrorCodes.FORBIDDEN, `token ${token.id} is not an admin token`, {
      field: 'authorization',
    });
}
