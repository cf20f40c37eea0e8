import { randomUUID } from 'node:crypto';
import {
  parseMatcher,
  validateSilence,
  type Matcher,
  type Silence,
  type SilenceInput,
} from '@mesh-momentum/alerting';
import type { AlertStore } from './alert-store.ts';
import { SilenceInvalidError, SilenceNotFoundError } from './errors.ts';

/** Matchers may come as objects or in the CLI's text form (`domain=hr`, `product=~hr\..*`). */
function normaliseMatchers(matchers: unknown): unknown {
  if (!Array.isArray(matchers)) return matchers;
  return matchers.map((m: unknown) => {
    if (typeof m === 'string') return parseMatcher(m) ?? { name: '', value: m };
    const o = m as Partial<Matcher> | null;
    return o && typeof o === 'object' ? { isRegex: false, isEqual: true, ...o } : m;
  });
}

/**
 * Creates a silence from an HTTP body or CLI flags; `durationMs` may stand for `endsAtMs`.
 * @throws SilenceInvalidError naming each bad field.
 */
export async function createSilence(
  store: AlertStore,
  body: SilenceInput & { durationMs?: unknown },
  nowMs: number,
): Promise<Silence> {
  const startsAtMs = body.startsAtMs ?? nowMs;
  const endsAtMs =
    body.endsAtMs ??
    (typeof body.durationMs === 'number' && typeof startsAtMs === 'number'
      ? startsAtMs + body.durationMs
      : undefined);
  const input: SilenceInput = { ...body, matchers: normaliseMatchers(body.matchers), startsAtMs, endsAtMs };
  const issues = validateSilence(input, nowMs);
  if (issues.length > 0) throw new SilenceInvalidError(issues);
  const silence: Silence = {
    id: randomUUID(),
    matchers: input.matchers as Matcher[],
    startsAtMs: startsAtMs as number,
    endsAtMs: endsAtMs as number,
    createdBy: (input.createdBy as string).trim(),
    comment: (input.comment as string).trim(),
  };
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
