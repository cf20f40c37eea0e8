import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { adminAuthHook, type StoredToken } from '@mesh-momentum/service-kit';
import type { AlertStore } from '../alert-store.ts';
import { AlerterWritesDisabledError } from '../errors.ts';
import { pauseScope, resumeScope } from '../pause-admin.ts';
import { createSilence, expireSilence } from '../silence-admin.ts';

/** Largest accepted request body, bytes: a silence is a few hundred (SILENCE_LIMITS bound its fields). */
export const MAX_BODY_BYTES = 16 * 1024;

/** Who may write silences and pauses (the alerter config's `adminWrites` and `adminTokens`). */
export interface AdminAccess {
  /** False: a read-only API, every write answers 403 `MM_ERR_ALERTER_WRITES_DISABLED`. */
  readonly writes: boolean;
  /** With tokens, a write needs `Authorization: Bearer <id>.<secret>` (401 otherwise); none: writes open. */
  readonly adminTokens: readonly StoredToken[];
}

/** The `onRequest` hook of every write route: writes on, and a configured token when there are any. */
function writeGuard(access: AdminAccess) {
  const authenticate = adminAuthHook(access.adminTokens);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!access.writes) throw new AlerterWritesDisabledError();
    await authenticate(request, reply);
  };
}

/**
 * The alerter's own API beside /healthz, /readyz, /metrics, on the service kit's ops server (whose
 * error handler answers every refusal in the one shape). Reads are open; writes (POST, DELETE) pass
 * `writeGuard` (`access`):
 *   GET    /api/alerts          every remembered alert (pending, firing, resolved) with its evidence
 *   GET    /api/silences        every silence, active or not yet pruned
 *   POST   /api/silences        {matchers, endsAtMs | durationMs, createdBy, comment[, startsAtMs]} → 201 silence
 *   DELETE /api/silences/:id    expires it now → 200 silence
 *   GET    /api/pauses          every pause, active or not yet pruned
 *   POST   /api/pauses          {scope, reason, createdBy[, untilMs | until | durationMs]} → 201 pause (200 when
 *                               it replaced the scope's earlier pause)
 *   DELETE /api/pauses/:scope   resumes the scope (`mesh`, `domain:<d>`, `product:<d>/<p>`, URL-encoded) → 200 pause
 */
export function registerAlerterApi(
  app: FastifyInstance,
  store: AlertStore,
  clock: () => number,
  access: AdminAccess,
): void {
  const write = { onRequest: writeGuard(access) };
  app.get('/api/alerts', async () => [...(await store.states()).values()]);
  app.get('/api/silences', async () => store.silences());
  app.post('/api/silences', { ...write, bodyLimit: MAX_BODY_BYTES }, async (req, reply) => {
    return reply.code(201).send(await createSilence(store, req.body, clock()));
  });
  app.delete<{ Params: { id: string } }>('/api/silences/:id', write, async (req, reply) => {
    return reply.send(await expireSilence(store, req.params.id, clock()));
  });
  app.get('/api/pauses', async () => store.pauses());
  app.post('/api/pauses', { ...write, bodyLimit: MAX_BODY_BYTES }, async (req, reply) => {
    const { pause, replaced } = await pauseScope(store, req.body, clock());
    return reply.code(replaced ? 200 : 201).send(pause);
  });
  app.delete<{ Params: { scope: string } }>('/api/pauses/:scope', write, async (req, reply) => {
    return reply.send(await resumeScope(store, req.params.scope));
  });
}
