/**
 * The read API's OpenAPI 3.1 document, served at /openapi.json. Written by hand (the routes validate
 * with zod); a unit test checks that every route the app registers is described here and vice versa.
 */
const json = (description: string, schema: object = { type: 'object' }) => ({
  description,
  content: { 'application/json': { schema } },
});
const jsonOrCsv = (description: string) => ({
  description,
  content: { 'application/json': { schema: { type: 'object' } }, 'text/csv': { schema: { type: 'string' } } },
});
const q = (name: string, description: string, schema: object = { type: 'string' }) => ({
  name,
  in: 'query',
  description,
  schema,
});
const p = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const format = q('format', 'json (default) or csv', { enum: ['json', 'csv'] });
const errors = {
  '304': { description: 'Not modified (If-None-Match matched the ETag)' },
  '400': json('MM_ERR_QUERY_INVALID: a bad parameter; `issues` names each'),
  '401': json('MM_ERR_DASHBOARD_UNAUTHENTICATED: reads need a token or the auth proxy here'),
};
/** Target writes: a bearer admin token when the dashboard has MM_DASHBOARD_ADMIN_TOKENS. */
const adminWrite = {
  security: [{ adminToken: [] }],
};
const writeErrors = {
  '401': json('MM_ERR_ADMIN_UNAUTHENTICATED: no or an unknown admin token (tokens are configured)'),
  '403': json(
    'MM_ERR_TARGET_WRITES_DISABLED: a read-only dashboard (MM_DASHBOARD_TARGET_WRITES=false); MM_ERR_ADMIN_HOST_REFUSED: a write without tokens configured named a Host that is not loopback',
  ),
};
const detailParams = [
  q('days', 'days of history, 1..400 (default 365)', { type: 'integer' }),
  q('horizon', 'forecast days, 1..365 (default 90)', { type: 'integer' }),
  q('movers', 'events per metric in the explanation, 1..50 (default 10)', { type: 'integer' }),
];

export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'Mesh Momentum dashboard API',
    version: '0.1.0',
    description:
      "Read API over the Redis key contract: scores, quadrants, trends, history, explanations, forecasts and targets, and (read-only) the alerter's alerts, silences and pauses. Every GET answers with a weak ETag; send it back in If-None-Match to get 304 when nothing changed. Reads are open unless MM_DASHBOARD_READ_TOKENS or MM_DASHBOARD_AUTH_USER_HEADER is set (then a read token, an admin token or a trusted auth proxy's user); target writes need an admin token when the dashboard has any. Every refusal has the shape of docs/errors.md.",
  },
  paths: {
    '/api/overview': {
      get: {
        summary: 'The mesh, every domain, totals and the quadrant thresholds',
        responses: { '200': json('Overview'), ...errors },
      },
    },
    '/api/scopes': {
      get: {
        summary: 'Domains or data products, filtered, sorted and paged',
        parameters: [
          q('kind', 'domain (default) or product', { enum: ['domain', 'product'] }),
          q('domain', 'only this domain (its products, or itself)'),
          q(
            'ownerTeam',
            'only the data products of this owner team (kind=product); empty: the products without an owner team',
          ),
          q('quadrant', 'thriving, hype, grind or stalled', {
            enum: ['thriving', 'hype', 'grind', 'stalled'],
          }),
          q('stalled', 'true or false', { enum: ['true', 'false'] }),
          q('sort', 'momentum (default), value, momentumTrend7, momentumTrend30, eventCount or id'),
          q('order', 'desc (default) or asc', { enum: ['asc', 'desc'] }),
          q('limit', 'page size 1..1000 (default 100)', { type: 'integer' }),
          q('offset', 'rows to skip (default 0)', { type: 'integer' }),
          format,
        ],
        responses: { '200': jsonOrCsv('A page {total, offset, limit, items}'), ...errors },
      },
    },
    '/api/leaderboards': {
      get: {
        summary: 'Top scopes by momentum, by value and by rising momentum (30 days)',
        parameters: [q('kind', 'domain (default) or product'), q('limit', '1..100 (default 10)'), format],
        responses: { '200': jsonOrCsv('{momentum, value, rising}'), ...errors },
      },
    },
    '/api/stalled': {
      get: {
        summary:
          "Stalled scopes (the stall rules) and scopes at risk (momentum down >= 10 points in 30 days), each with its `alert` (the alerter's state: inactive, pending, firing or resolved, since, rule, badge firing/pending/silenced/paused, the silence or pause that holds it)",
        parameters: [format],
        responses: { '200': jsonOrCsv('{alerting: {running, invalid}, stalled, atRisk}'), ...errors },
      },
    },
    '/metrics/scores': {
      get: {
        summary:
          'The scores for Prometheus (OpenMetrics text): momentum, value, their 7/30-day trends, quadrant and stalled per scope, labelled scope_kind, domain, product and owner_team; the mesh and every domain, and the MM_DASHBOARD_METRICS_PRODUCTS data products of highest momentum (docs/prometheus.md)',
        responses: {
          '200': {
            description: 'OpenMetrics text',
            content: { 'application/openmetrics-text': { schema: { type: 'string' } } },
          },
        },
      },
    },
    '/api/teams': {
      get: {
        summary:
          'Owner teams: per team its data products (count, domains), mean and median momentum and value, quadrant counts, stalled and at-risk counts; sorted and paged. Products without an owner team are left out and counted in `withoutOwnerTeam`',
        parameters: [
          q(
            'sort',
            'momentumMean (default), momentumMedian, valueMean, valueMedian, products, stalled, atRisk or team',
          ),
          q('order', 'desc (default) or asc', { enum: ['asc', 'desc'] }),
          q('limit', 'page size 1..1000 (default 100)', { type: 'integer' }),
          q('offset', 'teams to skip (default 0)', { type: 'integer' }),
          format,
        ],
        responses: {
          '200': jsonOrCsv('A page {total, offset, limit, items, withoutOwnerTeam}'),
          ...errors,
        },
      },
    },
    '/api/teams/{team}': {
      get: {
        summary:
          "One owner team: its figures, its data products across domains (paged, with scores, quadrant, stall) and its daily history (the mean of its products')",
        parameters: [
          p('team'),
          detailParams[0],
          q('sort', 'momentum (default), value, momentumTrend7, momentumTrend30, eventCount or id'),
          q('order', 'desc (default) or asc', { enum: ['asc', 'desc'] }),
          q('limit', 'products per page 1..1000 (default 100)', { type: 'integer' }),
          q('offset', 'products to skip (default 0)', { type: 'integer' }),
        ],
        responses: {
          '200': json('{team, products: {total, offset, limit, items}, history}'),
          '404': json('MM_ERR_TEAM_NOT_FOUND: no data product names this owner team'),
          ...errors,
        },
      },
    },
    '/api/alerts': {
      get: {
        summary:
          "The alerter's alerts (read-only: the alerter's API is the writer), firing first, then pending, then resolved: scope, state, since, rule, badge, the silence and the pause that hold each. No alerter: an empty list, `alerting.running` false",
        parameters: [
          q('state', 'pending, firing or resolved', { enum: ['pending', 'firing', 'resolved'] }),
          q('domain', 'only the alerts of this domain (its own and its products)'),
          q('limit', 'page size 1..1000 (default 100)', { type: 'integer' }),
          q('offset', 'rows to skip (default 0)', { type: 'integer' }),
          format,
        ],
        responses: {
          '200': jsonOrCsv('{alerting: {running, invalid}, total, offset, limit, items}'),
          ...errors,
        },
      },
    },
    '/api/alerts/{fingerprint}': {
      get: {
        summary: 'One alert as the list shows it and as the alerter stores it, with its evidence',
        parameters: [p('fingerprint')],
        responses: {
          '200': json('{alert, stored}'),
          '404': json('MM_ERR_ALERT_NOT_FOUND: the alerter holds no alert with this fingerprint'),
          ...errors,
        },
      },
    },
    '/api/silences': {
      get: {
        summary:
          "The alerter's silences not yet pruned (read-only), earliest start first: matchers, start, end, author, comment, status (pending, active, expired), alerts it silences now",
        responses: { '200': json('{alerting: {running, invalid}, items}'), ...errors },
      },
    },
    '/api/pauses': {
      get: {
        summary:
          "The alerter's paused scopes not yet pruned (read-only): scope, reason, author, since, until, whether in force",
        responses: { '200': json('{alerting: {running, invalid}, items}'), ...errors },
      },
    },
    '/api/mesh': {
      get: {
        summary:
          "The whole mesh's scores, daily history (the domains' summed), forecast, targets and top movers",
        parameters: detailParams,
        responses: { '200': json('Scope detail'), '404': json('MM_ERR_SCOPE_NOT_FOUND'), ...errors },
      },
    },
    '/api/domains/{domain}': {
      get: {
        summary:
          "A domain's scores, daily history, forecast with band, targets, explanation (movers) and alert (state, since, rule, evidence, silence or pause)",
        parameters: [p('domain'), ...detailParams],
        responses: { '200': json('Scope detail'), '404': json('MM_ERR_SCOPE_NOT_FOUND'), ...errors },
      },
    },
    '/api/domains/{domain}/history': {
      get: {
        summary: "A domain's daily momentum and value",
        parameters: [p('domain'), detailParams[0]],
        responses: { '200': json('{scope, history}'), '404': json('MM_ERR_SCOPE_NOT_FOUND'), ...errors },
      },
    },
    '/api/domains/{domain}/products/{productId}': {
      get: {
        summary: "A data product's scores, daily history, forecast, targets and explanation",
        parameters: [p('domain'), p('productId'), ...detailParams],
        responses: { '200': json('Scope detail'), '404': json('MM_ERR_SCOPE_NOT_FOUND'), ...errors },
      },
    },
    '/api/targets': {
      get: { summary: 'Every target', responses: { '200': json('{targets}') } },
      put: {
        ...adminWrite,
        summary: 'Set the target of a scope for a metric (replaces the previous one)',
        parameters: [{ ...q('scope', 'scope id: mesh, domain:<d> or product:<d>/<id>'), required: true }],
        requestBody: json('{metric, level 0..100, date (ISO 8601)}', {
          type: 'object',
          required: ['metric', 'level', 'date'],
          properties: {
            metric: { enum: ['momentum', 'value'] },
            level: { type: 'number', minimum: 0, maximum: 100 },
            date: { type: 'string' },
          },
        }),
        responses: {
          '200': json(
            'The stored target, with `setBy` (the auth proxy’s user, else `token:<id>`) when known',
          ),
          '404': json('MM_ERR_SCOPE_NOT_FOUND'),
          ...errors,
          ...writeErrors,
        },
      },
      delete: {
        ...adminWrite,
        summary: 'Remove a target',
        parameters: [q('scope', 'scope id'), q('metric', 'momentum or value')],
        responses: {
          '204': { description: 'Removed' },
          '404': { description: 'No such target' },
          ...writeErrors,
        },
      },
    },
    '/api/events': {
      get: {
        summary:
          'Server-sent events: `scopes` {generation, scopes, removed} after each change; `resync` when a reconnecting client (Last-Event-ID) missed some',
        responses: {
          '200': { description: 'text/event-stream', content: { 'text/event-stream': {} } },
          '429': json(
            'MM_ERR_SSE_TOO_MANY_PER_CLIENT: this client holds as many streams as the dashboard gives one client; Retry-After says when to try again',
          ),
          '503': json(
            'MM_ERR_SSE_TOO_MANY_CLIENTS: as many streams are open as the dashboard serves; Retry-After says when to try again',
          ),
        },
      },
    },
    '/openapi.json': { get: { summary: 'This document', responses: { '200': json('OpenAPI 3.1') } } },
  },
  components: {
    securitySchemes: {
      adminToken: {
        type: 'http',
        scheme: 'bearer',
        description:
          'An admin token (`pnpm admin:token <id>`; its hash in MM_DASHBOARD_ADMIN_TOKENS) for target writes and reads, or a read token (MM_DASHBOARD_READ_TOKENS) for reads',
      },
    },
  },
} as const;
