import { parsePauseRequest, parseScopeText, scopeKeyOf, type Pause } from '@mesh-momentum/alerting';
import type { AlertStore } from './alert-store.ts';
import { PauseInvalidError, PauseNotFoundError } from './errors.ts';

/**
 * Pauses a scope from an HTTP body or the CLI's request (`parsePauseRequest`); a scope already paused
 * gets the new pause instead (its reason, author and end).
 * @throws PauseInvalidError naming each bad field.
 */
export async function pauseScope(
  store: AlertStore,
  body: unknown,
  nowMs: number,
): Promise<{ pause: Pause; replaced: boolean }> {
  const parsed = parsePauseRequest(body, nowMs);
  if (!parsed.ok) throw new PauseInvalidError(parsed.issues);
  const replaced = (await store.getPause(parsed.value.scopeKey)) !== undefined;
  await store.putPause(parsed.value);
  return { pause: parsed.value, replaced };
}

/**
 * Resumes a scope (`mesh`, `domain:<d>`, `product:<d>/<p>`): its pause is removed, and the next
 * evaluation judges it again.
 * @throws PauseNotFoundError when it is not paused.
 */
export async function resumeScope(store: AlertStore, scope: string): Promise<Pause> {
  const parsed = parseScopeText(scope);
  const key = parsed === undefined ? scope : scopeKeyOf(parsed);
  const pause = await store.getPause(key);
  if (!pause || !(await store.removePause(key))) throw new PauseNotFoundError(key);
  return pause;
}
