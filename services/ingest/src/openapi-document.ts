import { ERROR_CODE_INFO } from '@mesh-momentum/common';

/**
 * The gateway's API as OpenAPI 3.1, written by hand (the routes take raw bodies and several media types,
 * which generated schemas describe poorly). `openapi.test.ts` fails when a route is missing here or a
 * path here has no route.
 */
const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const eventObject = {
  type: 'object',
  description:
    'One domain event: `type`, `domain` and the fields of its type (schemas/README.md); `id` (send one: retries are then idempotent), `source`, `time` (RFC 3339 or epoch ms) and `subject` are optional.',
  required: ['type', 'domain'],
  additionalProperties: true,
};

const common = {
  '400': errorResponse(
    'Bad input (`MM_ERR_EVENT_INVALID`, `MM_ERR_INGEST_BODY_INVALID`, …): `field` names it',
  ),
  '401': errorResponse('No or unknown token (`MM_ERR_INGEST_UNAUTHENTICATED`)'),
  '413': errorResponse(
    'Body larger than MM_INGEST_BODY_LIMIT_BYTES (`MM_ERR_HTTP_BODY_TOO_LARGE`), or more events than a token may send per window or a delivery may map to (`MM_ERR_INGEST_TOO_MANY_EVENTS`)',
  ),
  '415': errorResponse('Unsupported content-type'),
  '429': errorResponse(
    'Rate limit (`MM_ERR_INGEST_RATE_LIMITED`), with Retry-After: a token’s events, a webhook’s verified deliveries, or a client address’s failed verifications',
  ),
  '503': errorResponse('Kafka did not acknowledge in time (`MM_ERR_KAFKA_UNAVAILABLE`), with Retry-After'),
};

const webhookResponses = {
  '200': { description: 'A replay of a delivery already acknowledged: `{duplicate: true}`' },
  '202': { description: 'Acknowledged by Kafka (`accepted`, `ids`), or ignored on purpose (`ignored.code`)' },
  '400': common['400'],
  '401': errorResponse('Signature missing or invalid, or timestamp stale (`MM_ERR_WEBHOOK_*`)'),
  '404': errorResponse('This webhook is not configured'),
  '409': errorResponse('The same delivery is in flight (`MM_ERR_INGEST_DELIVERY_IN_PROGRESS`)'),
  '413': common['413'],
  '429': common['429'],
  '503': common['503'],
};

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Mesh Momentum ingest gateway',
    version: '1',
    description: 'Domain events in, acknowledged only once Kafka acknowledged them (acks=all).',
  },
  components: {
    securitySchemes: { token: { type: 'http', scheme: 'bearer', description: '`<token id>.<secret>`' } },
    schemas: {
      Error: {
        type: 'object',
        required: ['statusCode', 'code', 'error', 'message'],
        properties: {
          statusCode: { type: 'integer' },
          code: { type: 'string', enum: Object.keys(ERROR_CODE_INFO) },
          error: { type: 'string' },
          message: { type: 'string' },
          field: { type: 'string' },
        },
      },
      Event: eventObject,
    },
  },
  paths: {
    '/v1/events': {
      post: {
        summary: 'Send one event',
        security: [{ token: [] }],
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/Event' } },
            'application/cloudevents+json': {
              schema: {
                type: 'object',
                required: ['specversion', 'type', 'data'],
                description: 'CloudEvents 1.0 structured mode; `data` holds the fields',
              },
            },
          },
        },
        responses: {
          '202': { description: 'Acknowledged by Kafka: `{id, type}`' },
          ...common,
          '403': errorResponse('Event type or domain outside the token’s scope (`MM_ERR_INGEST_FORBIDDEN`)'),
        },
      },
    },
    '/v1/events/batch': {
      post: {
        summary: 'Send many events; one result per item',
        security: [{ token: [] }],
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Event' } } },
            'application/x-ndjson': { schema: { type: 'string', description: 'one event per line' } },
            'application/cloudevents-batch+json': { schema: { type: 'array' } },
          },
        },
        responses: {
          '202': { description: 'Every item acknowledged by Kafka' },
          '207': {
            description: '`results[i]`: `{index, statusCode: 202, id}` or the error shape for item i',
          },
          ...common,
        },
      },
    },
    '/v1/webhooks/github': {
      post: { summary: 'GitHub webhook (X-Hub-Signature-256)', responses: webhookResponses },
    },
    '/v1/webhooks/openmetadata': {
      post: {
        summary: 'OpenMetadata event subscription (X-OM-Signature)',
        responses: {
          ...webhookResponses,
          '207': {
            description:
              'Several ChangeEvents, some refused for good: `refused`, and `results[i]` = `{index, statusCode: 202, ids}` or the error shape for ChangeEvent i (the others were acknowledged)',
          },
        },
      },
    },
    '/v1/webhooks/generic/{name}': {
      post: {
        summary: 'Any JSON webhook through a declarative mapping (Standard Webhooks or HMAC signature)',
        parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
        responses: webhookResponses,
      },
    },
    '/v1/admin/unmapped': {
      get: {
        summary: 'Tool entities the identity mapping could not resolve, most recent first',
        security: [{ token: [] }],
        parameters: [
          {
            name: 'limit',
            in: 'query',
            schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        ],
        responses: {
          '200': { description: '`{entities: [{tool, ref, reason, lastSeen}], kept}`' },
          '401': common['401'],
          '403': errorResponse('Not an admin token'),
        },
      },
    },
    '/v1/admin/backstage/retirements': {
      get: {
        summary: 'A Backstage round held for retiring more than maxRetireShare of the known products',
        security: [{ token: [] }],
        responses: {
          '200': {
            description:
              '`{held: false, source}`, or `{held: true, source, since, lastSeen, knownProducts, retiring, share, maxShare, confirmedAt?, products}` (`products`: the refs it would retire, at most 1000)',
          },
          '401': common['401'],
          '403': errorResponse('Not an admin token'),
          '404': errorResponse('No Backstage poller is configured'),
        },
      },
    },
    '/v1/admin/backstage/retirements/confirm': {
      post: {
        summary: 'Confirm the held Backstage round: the next round sends its retirements',
        security: [{ token: [] }],
        responses: {
          '202': { description: '`{confirmed: true, …the hold}`; applied by the next round' },
          '401': common['401'],
          '403': errorResponse('Not an admin token'),
          '404': errorResponse('No Backstage poller is configured, or no round is held'),
        },
      },
    },
    '/openapi.json': {
      get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } },
    },
  },
} as const;
