import { createHash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { deterministicEventId } from '@mesh-momentum/adapters';
import { isEventType } from '@mesh-momentum/events';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { checkScope, checkSource, type ApiToken } from '../auth/tokens.ts';
import type { GatewayContext } from '../context.ts';
import { errorBody, retryAfterOf } from '@mesh-momentum/service-kit';
import { IngestError, IngestErrorCodes } from '../errors.ts';
import type { PublishOutcome } from '../publisher.ts';
import {
  CLOUDEVENTS_BATCH_TYPE,
  CLOUDEVENTS_TYPE,
  fromStructuredCloudEvent,
  mediaType,
  NDJSON_TYPES,
  parseNdjson,
} from './bodies.ts';

/**
 * 403 for an event its token may not send: a type or domain outside its scope, or a `source` it is not
 * bound to (events of an unknown type are left to validation: 400). Then the envelope defaults of the
 * API: an event without `source` gets the token's (`urn:meshmomentum:token:<id>` unless configured), and
 * an event with a `time` but without `id` gets one derived from its content, so a client that retries
 * after a 503 or a lost answer sends the same id and the event counts once. (Two events identical in
 * every field, `time` included, and without ids are therefore one event: send an `id` when that is not
 * what you mean.) Without a `time` either, the SDK's defaults apply: a fresh id and the time of receipt.
 */
function prepare(request: FastifyRequest, event: Record<string, unknown>): Record<string, unknown> {
  const type = event['type'];
  // The route authenticates (auth: 'token') before the body is read.
  const token = request.apiToken as ApiToken;
  if (typeof type === 'string' && isEventType(type)) checkScope(token, type, event['domain']);
  const source = checkSource(token, event['source']);
  const prepared: Record<string, unknown> = { ...event, source };
  // Derived from the content only when the event carries its own time: without one, two real events
  // alike (a champion regained, a second identical workshop) would collapse into one.
  if (prepared['id'] === undefined && prepared['time'] !== undefined && typeof source === 'string') {
    const digest = createHash('sha256').update(JSON.stringify(event)).digest('hex');
    prepared['id'] = deterministicEventId(source, `content:${digest}`, 'api');
  }
  return prepared;
}

function asEventObject(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new IngestError(IngestErrorCodes.BODY_INVALID, `${at}: must be a JSON object (one event)`, {
      field: at,
    });
  return value as Record<string, unknown>;
}

/** One item's answer in a batch. */
interface ItemResult {
  readonly index: number;
  readonly statusCode: number;
  readonly id?: string;
  readonly code?: string;
  readonly error?: string;
  readonly message?: string;
  readonly field?: string;
}

function itemResult(index: number, outcome: PublishOutcome): ItemResult {
  if (outcome.ok) return { index, statusCode: 202, id: outcome.id };
  return { index, ...errorBody(outcome.error) };
}

/**
 * `POST /v1/events` (one event: JSON, or a CloudEvent in structured mode) and `POST /v1/events/batch`
 * (a JSON array, NDJSON, or a CloudEvents batch). 202 only once Kafka acknowledged (acks=all).
 * A batch answers 202 when every item was acknowledged, else 207 with one result per item, in order,
 * saying exactly which were acknowledged (503 only when none was and Kafka was the reason).
 */
export function registerEventRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      [CLOUDEVENTS_TYPE, CLOUDEVENTS_BATCH_TYPE],
      { parseAs: 'string' },
      scope.getDefaultJsonParser('error', 'error'),
    );
    scope.addContentTypeParser([...NDJSON_TYPES], { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, parseNdjson(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    });

    scope.post('/v1/events', { config: { auth: 'token' } }, async (request, reply) => {
      const type = mediaType(request.headers['content-type']);
      const event =
        type === CLOUDEVENTS_TYPE
          ? fromStructuredCloudEvent(request.body)
          : asEventObject(request.body, '(body)');
      const prepared = prepare(request, event);
      const started = performance.now();
      const [sent] = await ctx.publisher.publishAll([prepared]);
      ctx.metrics.ackSeconds.observe((performance.now() - started) / 1000);
      ctx.metrics.events.inc({ origin: 'api', outcome: 'accepted', code: '' });
      return reply.code(202).send({ statusCode: 202, id: sent?.id, type: sent?.type });
    });

    scope.post('/v1/events/batch', { config: { auth: 'token' } }, async (request, reply) => {
      const type = mediaType(request.headers['content-type']);
      const body = request.body;
      if (!Array.isArray(body))
        throw new IngestError(
          IngestErrorCodes.BODY_INVALID,
          '(body): must be a JSON array or NDJSON of events',
          { field: '(body)' },
        );
      if (body.length > ctx.settings.batchMaxEvents)
        throw new IngestError(
          IngestErrorCodes.BODY_INVALID,
          `(body): ${body.length} events, more than ${ctx.settings.batchMaxEvents} (MM_INGEST_BATCH_MAX_EVENTS)`,
          { field: '(body)' },
        );
      // Refusals found before sending (shape, scope) become that item's result; the rest go to Kafka.
      const early = new Map<number, ItemResult>();
      const toSend: { index: number; event: Record<string, unknown> }[] = [];
      body.forEach((item, index) => {
        try {
          const at = `[${index}]`;
          const event =
            type === CLOUDEVENTS_BATCH_TYPE ? fromStructuredCloudEvent(item, at) : asEventObject(item, at);
          toSend.push({ index, event: prepare(request, event) });
        } catch (error) {
          early.set(index, { index, ...errorBody(error as IngestError) });
        }
      });
      const started = performance.now();
      const outcomes = await ctx.publisher.publishEach(toSend.map((s) => s.event));
      ctx.metrics.ackSeconds.observe((performance.now() - started) / 1000);
      // Items answered with a dependency's failure carry only its code: the detail is logged here.
      const failures = outcomes.filter((o) => !o.ok && o.error.httpStatus >= 500);
      const first = failures[0];
      if (first && !first.ok)
        ctx.logger.warn(
          { code: first.error.code, reason: first.error.message, items: failures.length, url: request.url },
          'batch items refused: dependency unavailable',
        );
      const results: ItemResult[] = new Array<ItemResult>(body.length);
      for (const [index, result] of early) results[index] = result;
      // Counted once per outcome, not once per item: every inc hashes its labels.
      const refusedByCode = new Map<string, number>();
      let sent = 0;
      outcomes.forEach((outcome, i) => {
        const index = (toSend[i] as { index: number }).index;
        results[index] = itemResult(index, outcome);
        if (outcome.ok) sent++;
        else refusedByCode.set(outcome.error.code, (refusedByCode.get(outcome.error.code) ?? 0) + 1);
      });
      if (sent > 0) ctx.metrics.events.inc({ origin: 'api', outcome: 'accepted', code: '' }, sent);
      for (const [code, count] of refusedByCode)
        ctx.metrics.events.inc({ origin: 'api', outcome: 'refused', code }, count);
      const accepted = results.filter((r) => r.statusCode === 202).length;
      if (accepted === results.length) return reply.code(202).send({ statusCode: 202, accepted, results });
      const retriable = outcomes.filter((o) => !o.ok && o.error.retriable);
      let status = 207;
      if (accepted === 0 && retriable.length > 0 && retriable.length === results.length) {
        status = 503;
        const first = retriable[0];
        if (first && !first.ok) void reply.header('retry-after', String(retryAfterOf(first.error) ?? 1));
      }
      return reply.code(status).send({
        statusCode: status,
        error: STATUS_CODES[status],
        accepted,
        refused: results.length - accepted,
        results,
      });
    });
  });
}
