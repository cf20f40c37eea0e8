import { STATUS_CODES } from 'node:http';
import {
  applyGenericMapping,
  bodyDeliveryId,
  mapGithubWebhook,
  mapOpenMetadataWebhook,
  type AdapterOutcome,
  type DeliveryItem,
  type ToolName,
} from '@mesh-momentum/adapters';
import {
  GITHUB_DELIVERY_HEADER,
  GITHUB_EVENT_HEADER,
  requireHeader,
  verifyBodySignature,
  verifyGithubSignature,
  verifyOpenMetadataSignature,
  verifyStandardWebhook,
} from '@mesh-momentum/webhook-auth';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayContext } from '../context.ts';
import { IngestError, IngestErrorCodes } from '../errors.ts';
import { publishDeliveryItems } from './delivery-items.ts';

/** What a verified webhook delivery is: who sent it, its identity, and how to map it. */
interface VerifiedDelivery {
  readonly tool: ToolName;
  /** Label in metrics and the ledger key: `github`, `openmetadata`, `generic:<name>`. */
  readonly label: string;
  readonly source: string;
  /** The tool's delivery id, as answered to it. */
  readonly deliveryId: string;
  /**
   * What the replay ledger is keyed on. For signatures over the body alone (GitHub, OpenMetadata) the
   * delivery-id header is not signed: anyone holding one signed body could send it again under a fresh
   * id. Keyed on the body's hash, such a replay is answered `duplicate` (a genuine redelivery resends the
   * same body). Standard Webhooks sign the id itself, so it keys the ledger. A generic HMAC hook with a
   * delivery-id header configured is keyed on that header (docs/adapters/generic-webhook.md).
   */
  readonly replayKey: string;
  /**
   * The delivery's tool events, mapped. One item (GitHub, generic, a single ChangeEvent): all or nothing,
   * the mapping throws. Several (an OpenMetadata batch): each stands alone, and a refused one is listed
   * while the others are sent.
   */
  readonly map: (receivedAtMs: number) => Promise<readonly DeliveryItem[]>;
}

/** A delivery mapping to more events than MM_INGEST_WEBHOOK_MAX_EVENTS is refused whole, before any is sent. */
function checkFanOut(items: readonly DeliveryItem[], max: number): void {
  const events = items.reduce((n, item) => n + ('outcome' in item ? item.outcome.events.length : 0), 0);
  if (events > max)
    throw new IngestError(
      IngestErrorCodes.TOO_MANY_EVENTS,
      `(body): the delivery maps to ${events} events, more than ${max} (MM_INGEST_WEBHOOK_MAX_EVENTS); split it at the tool`,
      { field: '(body)' },
    );
}

/** The single item of a delivery that carries one tool event. */
function only(ref: string, outcome: AdapterOutcome): readonly DeliveryItem[] {
  return [{ ref, outcome }];
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new IngestError(IngestErrorCodes.BODY_INVALID, `(body): not JSON (${(error as Error).message})`, {
      field: '(body)',
    });
  }
}

/**
 * The raw body of a webhook delivery. A POST without one (no body, no content type: fastify parses
 * nothing) is refused here, 400 naming the body, before anything reads it.
 */
function rawBody(request: FastifyRequest): Buffer {
  if (Buffer.isBuffer(request.body) && request.body.length > 0) return request.body;
  throw new IngestError(
    IngestErrorCodes.BODY_INVALID,
    '(body): empty; a webhook delivery carries its signed payload as the request body',
    { field: '(body)' },
  );
}

function notConfigured(what: string): IngestError {
  return new IngestError(
    IngestErrorCodes.NOT_FOUND,
    `no ${what} webhook is configured (MM_INGEST_CONFIG_FILE webhooks)`,
  );
}

/** Lower-case header map of single values, bound as `$headers` in generic mappings. */
function flatHeaders(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

/**
 * Signed tool webhooks: `POST /v1/webhooks/github`, `/v1/webhooks/openmetadata`,
 * `/v1/webhooks/generic/:name`. The raw body is kept for the signature (a re-serialised JSON object
 * would not verify). A delivery is answered 202 once Kafka acknowledged its events (or at once when it
 * maps to none: `ignored` says why); a replay of an acknowledged delivery id is answered 200
 * `duplicate`. Kafka slow or down: 503 with Retry-After after MM_INGEST_ACK_TIMEOUT_MS (default 5 s,
 * inside GitHub's 10 s), and the delivery id is freed so the tool's redelivery is processed.
 */
export function registerWebhookRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    /**
     * Runs a route's checks up to its signature (hook configured, body present, signature valid), then
     * spends the budgets: a delivery that verified takes one from its hook's, so the tool's budget is its
     * own; one that did not takes one from its sender's address (`request.ip`, which honours the trusted
     * proxies) and is answered its own error, or 429 once that address failed too often. Unsigned junk
     * therefore never reaches a tool's budget, however it is addressed.
     */
    const verified = async <T>(request: FastifyRequest, label: string, check: () => T): Promise<T> => {
      let result: T;
      try {
        result = check();
      } catch (error) {
        await ctx.budget.take({ kind: 'unverified', ip: request.ip }, 1);
        throw error;
      }
      await ctx.budget.take({ kind: 'webhook', label }, 1);
      return result;
    };

    const handle = async (reply: FastifyReply, delivery: VerifiedDelivery) => {
      const key = ctx.keys.delivery(delivery.label, delivery.source, delivery.replayKey);
      const claim = await ctx.deliveries.claim(key);
      if (claim.state === 'done') {
        ctx.metrics.duplicates.inc({ tool: delivery.label });
        return reply.code(200).send({ statusCode: 200, duplicate: true, deliveryId: delivery.deliveryId });
      }
      if (claim.state === 'pending') {
        throw new IngestError(
          IngestErrorCodes.DELIVERY_IN_PROGRESS,
          `delivery ${delivery.deliveryId} is being processed by another request; retry shortly`,
          { retryAfterSeconds: 1 },
        );
      }
      try {
        const nowMs = ctx.clock();
        const items = await delivery.map(nowMs);
        checkFanOut(items, ctx.settings.webhookMaxEvents);
        const published = await publishDeliveryItems(ctx, delivery, items, nowMs);
        await ctx.deliveries.complete(key);
        const { sent, ignored, unmapped } = published;
        const status = published.refused > 0 ? 207 : 202;
        return reply.code(status).send({
          statusCode: status,
          ...(status === 207 ? { error: STATUS_CODES[status] } : {}),
          deliveryId: delivery.deliveryId,
          accepted: sent.length,
          ids: sent,
          ...(sent.length === 0 && ignored ? { ignored } : {}),
          ...(published.results ? { refused: published.refused, results: published.results } : {}),
          ...(unmapped.length > 0
            ? { unmapped: unmapped.map((u) => ({ tool: u.tool, ref: u.ref, reason: u.reason })) }
            : {}),
        });
      } catch (error) {
        await ctx.deliveries.release(key, claim.claim).catch(() => undefined);
        throw error;
      }
    };

    scope.post('/v1/webhooks/github', { config: { auth: 'webhook' } }, async (request, reply) => {
      const { github, raw } = await verified(request, 'github', () => {
        const hook = ctx.file.github;
        if (!hook) throw notConfigured('GitHub');
        const body = rawBody(request);
        verifyGithubSignature(request.headers, body, { secrets: hook.secrets });
        return { github: hook, raw: body };
      });
      const deliveryId = requireHeader(request.headers, GITHUB_DELIVERY_HEADER);
      const event = requireHeader(request.headers, GITHUB_EVENT_HEADER);
      const payload = parseJson(raw);
      return handle(reply, {
        tool: 'github',
        label: 'github',
        source: github.source,
        deliveryId,
        replayKey: bodyDeliveryId(raw),
        map: async (receivedAtMs) =>
          only(
            deliveryId,
            mapGithubWebhook(
              { event, deliveryId, payload },
              {
                source: github.source,
                identity: ctx.identity,
                receivedAtMs,
                ...(ctx.settings.webhookMaxAgeSeconds > 0
                  ? { replayWindowMs: ctx.settings.webhookMaxAgeSeconds * 1_000 }
                  : {}),
              },
            ),
          ),
      });
    });

    scope.post('/v1/webhooks/openmetadata', { config: { auth: 'webhook' } }, async (request, reply) => {
      const { om, personIdKey, raw } = await verified(request, 'openmetadata', () => {
        const hook = ctx.file.openmetadata;
        // The key is required with the webhook at start-up (checkSettingsForFile).
        const key = ctx.settings.personIdKey;
        if (!hook || key === undefined) throw notConfigured('OpenMetadata');
        const body = rawBody(request);
        verifyOpenMetadataSignature(request.headers, body, { secrets: hook.secrets });
        return { om: hook, personIdKey: key, raw: body };
      });
      const payload = parseJson(raw);
      // OpenMetadata sends no delivery id: the body's hash is one (its ChangeEvents carry their own ids,
      // which the adapter uses for the event ids).
      return handle(reply, {
        tool: 'openmetadata',
        label: 'openmetadata',
        source: om.source,
        deliveryId: bodyDeliveryId(raw),
        replayKey: bodyDeliveryId(raw),
        map: async (receivedAtMs) =>
          mapOpenMetadataWebhook(payload, {
            source: om.source,
            identity: ctx.identity,
            receivedAtMs,
            personIdKey,
          }),
      });
    });

    scope.post('/v1/webhooks/generic/:name', { config: { auth: 'webhook' } }, async (request, reply) => {
      const { name } = request.params as { name: string };
      const { hook, raw, signedId } = await verified(request, `generic:${name}`, () => {
        const configured = ctx.file.generic.get(name);
        if (!configured) throw notConfigured(`generic "${name}"`);
        const body = rawBody(request);
        if (configured.scheme === 'standard-webhooks') {
          const { webhookId } = verifyStandardWebhook(request.headers, body, {
            secrets: configured.secrets,
            nowMs: ctx.clock(),
          });
          return { hook: configured, raw: body, signedId: webhookId };
        }
        verifyBodySignature(configured.header, request.headers, body, { secrets: configured.secrets });
        return { hook: configured, raw: body, signedId: undefined };
      });
      // Standard Webhooks sign the id. An HMAC hook's delivery-id header, when configured, tells apart two
      // genuine deliveries of identical bodies; without one, identical bodies are one delivery.
      const deliveryId =
        signedId ??
        (hook.deliveryIdHeader ? requireHeader(request.headers, hook.deliveryIdHeader) : bodyDeliveryId(raw));
      const payload = parseJson(raw);
      const headers = flatHeaders(request);
      return handle(reply, {
        tool: 'generic',
        label: `generic:${name}`,
        source: hook.source,
        deliveryId,
        replayKey: deliveryId,
        map: async (receivedAtMs) =>
          only(
            deliveryId,
            await applyGenericMapping(
              hook.mapping,
              { deliveryId, payload, headers },
              { source: hook.source, receivedAtMs },
            ),
          ),
      });
    });
  });
}
