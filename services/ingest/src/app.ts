import type { FastifyInstance } from 'fastify';
import { createHttpServer } from '@mesh-momentum/service-kit';
import type { ApiToken } from './auth/tokens.ts';
import type { GatewayContext } from './context.ts';
import { IngestError, IngestErrorCodes } from './errors.ts';
import { registerAdminRoutes } from './routes/admin.ts';
import { registerEventRoutes } from './routes/events.ts';
import { registerOpenApiRoute } from './routes/openapi.ts';
import { registerWebhookRoutes } from './routes/webhooks.ts';

/** How a route authenticates: an API token, an admin token, a webhook signature (in the handler), or none. */
export type RouteAuth = 'token' | 'admin' | 'webhook' | 'none';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyInstance {
    /** `METHOD url` of every route the gateway registered (the OpenAPI test compares them). */
    readonly gatewayRoutes: readonly string[];
  }
  interface FastifyRequest {
    /** The API token of the request, once authenticated. */
    apiToken?: ApiToken;
  }
}

/** Route families answer with their label in metrics: the URL without ids. */
function routeLabel(url: string | undefined): string {
  return url ?? 'unknown';
}

/**
 * The gateway's HTTP API, on the API server the service shell builds. Limits against slow or large clients:
 * `bodyLimit` (413), `connectionTimeout` (an idle socket is closed), `requestTimeout` (a request not fully
 * received is answered 408). Rate budgets (rate-budget.ts) are counted in Redis, so memory stays bounded
 * however many requests a burst holds, and every gateway instance shares the count.
 */
export async function registerGateway(app: FastifyInstance, ctx: GatewayContext): Promise<void> {
  const routes: string[] = [];
  app.decorate('gatewayRoutes', routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push(`${method} ${route.url}`);
  });
  app.addHook('onResponse', async (request, reply) => {
    ctx.metrics.requests.inc({
      route: routeLabel(request.routeOptions.url),
      status: String(reply.statusCode),
    });
  });
  // Authentication before the body is read; nothing is written to Redis for an unknown token.
  app.addHook('onRequest', async (request) => {
    const auth = request.routeOptions.config.auth ?? 'none';
    if (auth !== 'token' && auth !== 'admin') return;
    request.apiToken = ctx.tokens.verify(request.headers.authorization);
  });
  // A token spends its budget by events, once the body says how many (webhooks spend theirs after their
  // signature verified, in their routes).
  app.addHook('preHandler', async (request) => {
    const token = request.apiToken;
    if (token === undefined) return;
    const events = Array.isArray(request.body) ? request.body.length : 1;
    if (events > ctx.budget.max)
      throw new IngestError(
        IngestErrorCodes.TOO_MANY_EVENTS,
        `(body): ${events} events, more than token ${token.id} may send within one window ` +
          `(${ctx.budget.max}, MM_INGEST_RATE_LIMIT_MAX); split the batch`,
        { field: '(body)' },
      );
    await ctx.budget.take({ kind: 'token', id: token.id }, events);
  });
  registerOpenApiRoute(app);
  registerEventRoutes(app, ctx);
  registerWebhookRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
}

/** The API server as the shell builds it, with the gateway's routes: for tests that never listen. */
export async function buildGateway(ctx: GatewayContext): Promise<FastifyInstance> {
  const app = createHttpServer({
    http: ctx.settings,
    bodyLimitBytes: ctx.settings.bodyLimitBytes,
    logger: ctx.logger.child({ component: 'http' }),
  });
  await registerGateway(app, ctx);
  return app;
}
