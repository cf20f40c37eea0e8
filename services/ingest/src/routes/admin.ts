import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../auth/tokens.ts';
import type { GatewayContext } from '../context.ts';
import { IngestError, IngestErrorCodes } from '../errors.ts';

/** Longest listing one request returns. */
const MAX_LIMIT = 1_000;

/**
 * `GET /v1/admin/unmapped?limit=N`: tool entities the identity mapping could not resolve, most recently
 * seen first, so teams can fix their mapping. Admin tokens only (403 for others).
 */
export function registerAdminRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  app.get('/v1/admin/unmapped', { config: { auth: 'admin' } }, async (request) => {
    requireAdmin(request.apiToken as NonNullable<typeof request.apiToken>);
    const raw = (request.query as { limit?: string }).limit ?? '100';
    const limit = Number(raw);
    if (!/^\d+$/.test(raw) || limit < 1 || limit > MAX_LIMIT)
      throw new IngestError(
        IngestErrorCodes.BODY_INVALID,
        `limit: must be a whole number in 1..${MAX_LIMIT}`,
        { field: 'limit' },
      );
    const entities = await ctx.unmapped.list(limit);
    return { entities, kept: ctx.settings.unmappedMax };
  });
}
