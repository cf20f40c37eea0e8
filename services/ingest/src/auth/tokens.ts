import { TokenVerifier as KitTokenVerifier, type StoredToken } from '@mesh-momentum/service-kit';
import { IngestError, IngestErrorCodes } from '../errors.ts';

/**
 * API tokens: `<id>.<secret>`, hashed and checked as every admin token is (packages/service-kit
 * `admin-auth.ts`: salted SHA-256, constant-time), each with the event types, domains and sources it
 * may send. The id names the token in logs, metrics and rate-limit keys; it is never secret.
 */
export interface ApiToken extends StoredToken {
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

/** The gateway's token check: the kit's, answering 401 with the gateway's own error. */
export class TokenVerifier extends KitTokenVerifier<ApiToken> {
  constructor(tokens: readonly ApiToken[]) {
    super(
      tokens,
      (why) =>
        new IngestError(IngestErrorCodes.UNAUTHENTICATED, `authorization: ${why}`, {
          field: 'authorization',
        }),
    );
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
