import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AnswerCache } from './answer-cache.ts';
import { QueryInvalidError } from './errors.ts';

/** Parses query or body with a zod schema; bad input is a QueryInvalidError naming each field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new QueryInvalidError(
    result.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', reason: i.message })),
  );
}

/**
 * Sets the ETag for `version` (which must change whenever the answer may change: the snapshot
 * generation, the targets' version; the URL is part of the tag) and tells whether the client already
 * holds it (If-None-Match), in which case the caller answers 304 without computing anything.
 */
export function isFresh(request: FastifyRequest, reply: FastifyReply, version: string): boolean {
  const tag = `W/"${createHash('sha1').update(`${version}|${request.url}`).digest('base64url').slice(0, 20)}"`;
  reply.header('etag', tag).header('cache-control', 'no-cache');
  return request.headers['if-none-match'] === tag;
}

/** 304 when fresh, else the answer `produce` returns (computed only then). */
export async function sendTagged(
  request: FastifyRequest,
  reply: FastifyReply,
  version: string,
  produce: () => unknown,
): Promise<FastifyReply> {
  if (isFresh(request, reply, version)) return reply.code(304).send();
  return reply.send(await produce());
}

/**
 * A list answer computed from the snapshot alone: kept per generation under its route and parsed query
 * (`answers`), with its content type (a CSV as an attachment named `filename`).
 */
export function cachedAnswer(
  reply: FastifyReply,
  answers: AnswerCache,
  generation: number,
  route: string,
  query: { readonly format: 'json' | 'csv' },
  compute: () => string,
  filename = `${route}.csv`,
): Buffer {
  const body = answers.get(generation, route, query, () => Buffer.from(compute()));
  if (query.format === 'csv') {
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="${filename}"`);
  } else {
    reply.header('content-type', 'application/json; charset=utf-8');
  }
  return body;
}
