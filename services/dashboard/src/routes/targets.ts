import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { adminAuthHook, type StoredToken } from '@mesh-momentum/service-kit';
import { ScopeNotFoundError, TargetWritesDisabledError } from '../errors.ts';
import { parse } from '../http.ts';
import type { SnapshotSource } from '../snapshot.ts';
import type { DashboardStore } from '../store-access.ts';
import { decodeTargets, encodeTarget, targetBody, targetField } from '../targets.ts';

export interface TargetRouteDeps {
  readonly store: DashboardStore;
  readonly cache: SnapshotSource;
  readonly clock: () => number;
  /** Called after every change, so detail ETags change with the targets. */
  readonly onChange: () => void;
  /** False: a read-only dashboard, writes answer 403 (MM_DASHBOARD_TARGET_WRITES). */
  readonly writes: boolean;
  /** Admin tokens a write must carry (MM_DASHBOARD_ADMIN_TOKENS); none: writes are open (loopback only). */
  readonly adminTokens: readonly StoredToken[];
}

const scopeParam = z.object({ scope: z.string().min(1) }).strict();
const deleteQuery = z.object({ scope: z.string().min(1), metric: z.enum(['momentum', 'value']) }).strict();

/** Who a write is attributed to: the person an auth proxy named, else the token it carried. */
function writerOf(request: FastifyRequest): string | undefined {
  const reader = request.reader;
  if (reader?.user !== undefined) return reader.user;
  return reader?.tokenId === undefined ? undefined : `token:${reader.tokenId}`;
}

/**
 * Targets per scope and metric (docs/dashboard.md). Reading them is a read like any other (read-access.ts); setting or removing one needs
 * an admin token when tokens are configured (the service kit's admin-auth), and is refused altogether
 * on a read-only dashboard. Setting one needs the scope to exist, so a typo in a scope id is refused
 * rather than stored for nobody. A target records who set it (`setBy`).
 */
export function registerTargetRoutes(app: FastifyInstance, deps: TargetRouteDeps): void {
  const authenticate = adminAuthHook(deps.adminTokens);
  const writeGuard = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!deps.writes) throw new TargetWritesDisabledError();
    await authenticate(request, reply);
  };

  app.get('/api/targets', async () => ({ targets: decodeTargets(await deps.store.targets()) }));

  app.put('/api/targets', { onRequest: writeGuard }, async (request, reply) => {
    const { scope } = parse(scopeParam, request.query);
    const body = parse(targetBody, request.body);
    if (!deps.cache.current.byId.has(scope)) throw new ScopeNotFoundError(scope);
    const setBy = writerOf(request);
    await deps.store.setTarget(targetField(scope, body.metric), encodeTarget(body, deps.clock(), setBy));
    deps.onChange();
    return reply.code(200).send({ scope, ...body, ...(setBy === undefined ? {} : { setBy }) });
  });

  app.delete('/api/targets', { onRequest: writeGuard }, async (request, reply) => {
    const { scope, metric } = parse(deleteQuery, request.query);
    const removed = await deps.store.deleteTarget(targetField(scope, metric));
    deps.onChange();
    return reply.code(removed ? 204 : 404).send();
  });
}
