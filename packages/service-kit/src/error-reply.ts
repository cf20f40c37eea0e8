import { STATUS_CODES } from 'node:http';
import { ErrorCodes, MeshMomentumError, type FieldIssue, type Logger } from '@mesh-momentum/common';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The one shape of every error answer of every service (docs/errors.md, "Error answers"): fastify's
 * `{statusCode, code, error, message}` with `error` the status text, our stable `code`, whether asking
 * again can help (`retriable`), and the input at fault: `field` when there is one, `issues` when the
 * error lists several.
 */
export interface ErrorBody {
  readonly statusCode: number;
  readonly code: string;
  readonly error: string;
  readonly message: string;
  readonly retriable: boolean;
  readonly field?: string;
  readonly issues?: readonly FieldIssue[];
}

/** The inputs an error names: ours carry `field` or `issues`, webhook verification errors `header`. */
function inputsOf(error: MeshMomentumError): { field?: string; issues?: readonly FieldIssue[] } {
  const e = error as MeshMomentumError & { field?: unknown; header?: unknown; issues?: unknown };
  const issues = Array.isArray(e.issues) ? (e.issues as readonly FieldIssue[]) : undefined;
  const field =
    typeof e.field === 'string' ? e.field : typeof e.header === 'string' ? e.header : issues?.[0]?.field;
  return { ...(field === undefined ? {} : { field }), ...(issues === undefined ? {} : { issues }) };
}

/**
 * What a client is told of a failure on the service's side (5xx): the code and a short message. The
 * error's own message names brokers, Redis and client library texts; it goes to the log, never out.
 */
function publicMessage(error: MeshMomentumError): string {
  if (error.httpStatus < 500) return error.message;
  return error.retriable
    ? `the service cannot complete the request now (${error.code}); retry after Retry-After seconds`
    : `the service cannot complete the request (${error.code}); its operator has the detail in its log`;
}

export function errorBody(error: MeshMomentumError): ErrorBody {
  return {
    statusCode: error.httpStatus,
    code: error.code,
    error: STATUS_CODES[error.httpStatus] ?? 'Error',
    message: publicMessage(error),
    retriable: error.retriable,
    ...inputsOf(error),
  };
}

/**
 * A request refused by the HTTP framework before any route ran (an unreadable body, one too large, a
 * content type no route reads, no such route), or a failure no code foresaw (500, the log has the cause).
 */
export class HttpRequestError extends MeshMomentumError {
  readonly field: string | undefined;

  constructor(
    code:
      | typeof ErrorCodes.HTTP_REQUEST_INVALID
      | typeof ErrorCodes.HTTP_BODY_TOO_LARGE
      | typeof ErrorCodes.HTTP_MEDIA_TYPE_UNSUPPORTED
      | typeof ErrorCodes.HTTP_NOT_FOUND
      | typeof ErrorCodes.HTTP_INTERNAL,
    message: string,
    options: { readonly field?: string; readonly cause?: unknown } = {},
  ) {
    super(code, message, { cause: options.cause });
    this.field = options.field;
  }
}

/** Any thrown value as one of our errors: fastify's own refusals by their status, anything else internal. */
export function toHttpError(error: unknown): MeshMomentumError {
  if (error instanceof MeshMomentumError) return error;
  const framework = error as Partial<FastifyError>;
  const status = framework.statusCode ?? 500;
  const message = framework.message ?? String(error);
  if (status === 404) return new HttpRequestError(ErrorCodes.HTTP_NOT_FOUND, message, { cause: error });
  if (status === 413) return new HttpRequestError(ErrorCodes.HTTP_BODY_TOO_LARGE, message, { cause: error });
  if (status === 415)
    return new HttpRequestError(ErrorCodes.HTTP_MEDIA_TYPE_UNSUPPORTED, message, {
      field: 'content-type',
      cause: error,
    });
  if (status >= 400 && status < 500) {
    const body = framework.code?.startsWith('FST_ERR_CTP_') === true;
    return new HttpRequestError(ErrorCodes.HTTP_REQUEST_INVALID, message, {
      ...(body ? { field: '(body)' } : {}),
      cause: error,
    });
  }
  // No detail to the client: an unforeseen failure's text may name internals.
  return new HttpRequestError(ErrorCodes.HTTP_INTERNAL, 'internal error (see the service log)', {
    cause: error,
  });
}

/** Retry-After of a retriable refusal that names no time of its own, s. */
export const DEFAULT_RETRY_AFTER_SECONDS = 1;

/**
 * Seconds after which asking again may succeed: the error's own `retryAfterSeconds` (a rate budget's
 * window) or DEFAULT_RETRY_AFTER_SECONDS; undefined when it is not retriable.
 */
export function retryAfterOf(error: MeshMomentumError): number | undefined {
  if (!error.retriable) return undefined;
  const own = (error as MeshMomentumError & { retryAfterSeconds?: unknown }).retryAfterSeconds;
  return typeof own === 'number' ? own : DEFAULT_RETRY_AFTER_SECONDS;
}

/** Answers `error` in the one shape (with `Retry-After` when the caller set none and it is retriable). */
export function sendError(reply: FastifyReply, error: MeshMomentumError): FastifyReply {
  const retryAfter = retryAfterOf(error);
  if (retryAfter !== undefined && !reply.hasHeader('retry-after'))
    void reply.header('retry-after', String(retryAfter));
  return reply.code(error.httpStatus).send(errorBody(error));
}

/**
 * The one error handler of every server of every service (route errors and fastify's refusals before
 * routing alike): the error in the one shape. A dependency outage (a retriable 5xx with its own code) is
 * logged in one line; an unforeseen failure with its stack. The client gets the code only.
 */
export function errorHandler(logger?: Logger) {
  return (raw: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const error = toHttpError(raw);
    if (error.httpStatus >= 500 && error.retriable && error.code !== ErrorCodes.HTTP_INTERNAL)
      logger?.warn(
        { code: error.code, url: request.url, reason: error.message },
        'request refused: dependency unavailable',
      );
    else if (error.httpStatus >= 500)
      logger?.error({ err: raw, code: error.code, url: request.url }, 'request failed');
    return sendError(reply, error);
  };
}

/** The error and not-found handlers of a service's fastify app: every refusal in the one shape. */
export function installErrorReplies(app: FastifyInstance, logger?: Logger): void {
  app.setErrorHandler(errorHandler(logger));
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new HttpRequestError(ErrorCodes.HTTP_NOT_FOUND, `no route ${request.method} ${request.url}`),
    ),
  );
}
