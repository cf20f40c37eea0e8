import { toolSource } from '@mesh-momentum/adapters';
import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../auth/tokens.ts';
import type { GatewayContext } from '../context.ts';
import { IngestError, IngestErrorCodes } from '../errors.ts';
import { RetirementHolds } from '../workers/backstage-hold.ts';

/** Longest listing one request returns. */
const MAX_LIMIT = 1_000;

/**
 * Admin tokens only (403 for others). `GET /v1/admin/unmapped?limit=N`: tool entities the identity
 * mapping could not resolve, most recently seen first, so teams can fix their mapping.
 * `GET /v1/admin/backstage/retirements` and `POST …/confirm`: a Backstage round held for retiring too
 * many products at once, and its confirmation (applied by the next round).
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

  const holds = new RetirementHolds(ctx.redis, ctx.keys);
  const backstageSource = (): string => {
    const backstage = ctx.file.pollers.backstage;
    if (!backstage)
      throw new IngestError(
        IngestErrorCodes.NOT_FOUND,
        'no Backstage poller is configured (MM_INGEST_CONFIG_FILE pollers.backstage)',
      );
    return toolSource(backstage.source);
  };

  // A Backstage round held for retiring too many products at once: what it would retire, and since when.
  app.get('/v1/admin/backstage/retirements', { config: { auth: 'admin' } }, async (request) => {
    requireAdmin(request.apiToken as NonNullable<typeof request.apiToken>);
    const source = backstageSource();
    const hold = await holds.get(source);
    if (hold === undefined) return { held: false, source };
    const { retiring, ...rest } = hold;
    return { held: true, ...rest, retiring: retiring.length, products: retiring.slice(0, MAX_LIMIT) };
  });

  // The operator says the catalog is right: the next round sends the retirements it holds.
  app.post(
    '/v1/admin/backstage/retirements/confirm',
    { config: { auth: 'admin' } },
    async (request, reply) => {
      requireAdmin(request.apiToken as NonNullable<typeof request.apiToken>);
      const hold = await holds.confirm(backstageSource(), ctx.clock());
      if (hold === undefined)
        throw new IngestError(IngestErrorCodes.NOT_FOUND, 'no Backstage round is held: nothing to confirm');
      const { retiring, ...rest } = hold;
      return reply.code(202).send({ confirmed: true, ...rest, retiring: retiring.length });
    },
  );
}
