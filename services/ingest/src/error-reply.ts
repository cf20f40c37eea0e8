import { MeshMomentumError, type Logger } from '@mesh-momentum/common';
import { errorBody, toHttpError } from '@mesh-momentum/service-kit';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { IngestError, IngestErrorCodes } from './errors.ts';

/** The one error answer shape of every service (docs/errors.md, "Error answers"). */
export { errorBody, type ErrorBody } from '@mesh-momentum/service-kit';

/** Retry-After for a retriable refusal that names no time of its own, s. */
export const DEFAULT_RETRY_AFTER_SECONDS = 1;

/** Fastify's own refusals (body parsing, limits), in our codes. */
function fromFastify(error: FastifyError): IngestError | undefined {
  const status = error.statusCode ?? 0;
  if (status === 413)
    return new IngestError(IngestErrorCodes.BODY_TOO_LARGE, error.message, { cause: error });
  if (status === 415)
    return new IngestError(IngestErrorCodes.MEDIA_TYPE_UNSUPPORTED, error.message, {
      field: 'content-type',
      cause: error,
    });
  if (status === 400 || error.code?.startsWith('FST_ERR_CTP_'))
    return new IngestError(IngestErrorCodes.BODY_INVALID, error.message, { field: '(body)', cause: error });
  return undefined;
}

export function toMeshError(error: unknown): MeshMomentumError {
  if (error instanceof MeshMomentumError) return error;
  // A URL fastify cannot route (undecodable, a parameter over its length limit): the shared refusal.
  const code = (error as FastifyError).code;
  if (code === 'FST_ERR_BAD_URL' || code === 'FST_ERR_MAX_PARAM_LENGTH') return toHttpError(error);
  const fromFramework = fromFastify(error as FastifyError);
  if (fromFramework) return fromFramework;
  return new IngestError(IngestErrorCodes.INTERNAL, 'internal error (see the gateway log)', { cause: error });
}

export function retryAfterOf(error: MeshMomentumError): number | undefined {
  if (!error.retriable) return undefined;
  return error instanceof IngestError && error.retryAfterSeconds !== undefined
    ? error.retryAfterSeconds
    : DEFAULT_RETRY_AFTER_SECONDS;
}

export function makeErrorHandler(logger: Logger) {
  return (raw: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const error = toMeshError(raw);
    // A dependency outage (retriable) is logged in one line; an unforeseen failure with its stack.
    if (error.httpStatus >= 500 && error.retriable && error.code !== 'MM_ERR_INGEST_INTERNAL')
      logger.warn(
        { code: error.code, url: request.url, reason: error.message },
        'request refused: dependency unavailable',
      );
    else if (error.httpStatus >= 500)
      logger.error({ err: raw, code: error.code, url: request.url }, 'request failed');
    const retryAfter = retryAfterOf(error);
    if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
    return reply.code(error.httpStatus).send(errorBody(error));
  };
}
