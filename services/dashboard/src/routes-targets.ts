import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ScopeNotFoundError } from './errors.ts';
import { parse } from './http.ts';
import type { SnapshotSource } from './snapshot.ts';
import type { DashboardStore } from './store-access.ts';
import { decodeTargets, encodeTarget, targetBody, targetField } from './targets.ts';

export interface TargetRouteDeps {
  readonly store: DashboardStore;
  readonly cache: SnapshotSource;
  readonly clock: () => number;
  /** Called after every change, so detail ETags change with the targets. */
  readonly onChange: () => void;
}

const scopeParam = z.object({ scope: z.string().min(1) }).strict();
const deleteQuery = z.object({ scope: z.string().min(1), metric: z.enum(['momentum', 'value']) }).strict();

/**
 * Targets per scope and metric (docs/dashboard.md). Setting one needs the scope to exist, so a typo in
 * a scope id is refused rather than stored for nobody.
 */
export function registerTargetRoutes(app: FastifyInstance, deps: TargetRouteDeps): void {
  app.get('/api/targets', async () => ({ targets: decodeTargets(await deps.store.targets()) }));

  app.put('/api/targets', async (request, reply) => {
    const { scope } = parse(scopeParam, request.query);
    const body = parse(targetBody, request.body);
    if (!deps.cache.current.byId.has(scope)) throw new ScopeNotFoundError(scope);
    await deps.store.setTarget(targetField(scope, body.metric), encodeTarget(body, deps.clock()));
    deps.onChange();
    return reply.code(200).send({ scope, ...body });
  });

  app.delete('/api/targets', async (request, reply) => {
    const { scope, metric } = parse(deleteQuery, request.query);
    const removed = await deps.store.deleteTarget(targetField(scope, metric));
    deps.onChange();
    return reply.code(removed ? 204 : 404).send();
  });
}
