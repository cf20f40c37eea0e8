import { ErrorCodes, MeshMomentumError, type ErrorCode } from '@mesh-momentum/common';

/**
 * The gateway's own refusals (auth, body, rate, a webhook or poller it does not define); status and
 * retriability from the code table. What fastify refuses before a route runs is the kit's (MM_ERR_HTTP_*).
 */
export type IngestErrorCode = Extract<
  ErrorCode,
  | 'MM_ERR_INGEST_UNAUTHENTICATED'
  | 'MM_ERR_INGEST_FORBIDDEN'
  | 'MM_ERR_INGEST_BODY_INVALID'
  | 'MM_ERR_INGEST_NOT_FOUND'
  | 'MM_ERR_INGEST_RATE_LIMITED'
  | 'MM_ERR_INGEST_TOO_MANY_EVENTS'
  | 'MM_ERR_INGEST_DELIVERY_IN_PROGRESS'
>;

export class IngestError extends MeshMomentumError {
  /** The request field (or header) at fault, when there is one: `type`, `domain`, `authorization`, `[3]`. */
  readonly field: string | undefined;
  /** Seconds after which a retry may succeed (429, 409), sent as `Retry-After`. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: IngestErrorCode,
    message: string,
    options: { readonly field?: string; readonly retryAfterSeconds?: number; readonly cause?: unknown } = {},
  ) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause });
    this.field = options.field;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const IngestErrorCodes = {
  UNAUTHENTICATED: ErrorCodes.INGEST_UNAUTHENTICATED,
  FORBIDDEN: ErrorCodes.INGEST_FORBIDDEN,
  BODY_INVALID: ErrorCodes.INGEST_BODY_INVALID,
  NOT_FOUND: ErrorCodes.INGEST_NOT_FOUND,
  RATE_LIMITED: ErrorCodes.INGEST_RATE_LIMITED,
  TOO_MANY_EVENTS: ErrorCodes.INGEST_TOO_MANY_EVENTS,
  DELIVERY_IN_PROGRESS: ErrorCodes.INGEST_DELIVERY_IN_PROGRESS,
} as const satisfies Record<string, IngestErrorCode>;
