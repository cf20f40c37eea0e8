import { randomUUID } from 'node:crypto';
import { parseSilenceRequest, type Silence } from '@mesh-momentum/alerting';
import type { AlertStore } from './alert-store.ts';
import { SilenceInvalidError, SilenceNotFoundError } from './errors.ts';

/**
 * Creates a silence from an HTTP body or the CLI's request (`parseSilenceRequest`: strict types,
 * bounded lengths, RE2 patterns, times).
 * @throws SilenceInvalidError naming each bad field.
 */
export async function createSilence(store: AlertStore, body: unknown, nowMs: number): Promise<Silence> {
  const parsed = parseSilenceRequest(body, nowMs);
  if (!parsed.ok) throw new SilenceInvalidError(parsed.issues);
  const silence: Silence = { id: randomUUID(), ...parsed.value };
  await store.putSilence(silence);
  return silence;
}

/** Ends a silence now (kept until pruned, so it can still be listed). */
export async function expireSilence(store: AlertStore, id: string, nowMs: number): Promise<Silence> {
  const silence = await store.getSilence(id);
  if (!silence) throw new SilenceNotFoundError(id);
  const expired = { ...silence, endsAtMs: Math.min(silence.endsAtMs, nowMs) };
  await store.putSilence(expired);
  return expired;
}
