import { z } from 'zod';
import type { FieldIssue } from '@mesh-momentum/common';
import { scopeKeyOf } from './fingerprint.ts';
import type { Pause, PauseScope } from './pauses.ts';
import { fieldIssues, SILENCE_LIMITS } from './silence-request.ts';

/** Bounds of a pause request (HTTP `POST /api/pauses` and `pnpm alerter:pause add`). */
export const PAUSE_LIMITS = {
  /** Characters of a domain or product id. */
  maxScopeIdLength: 256,
  /** Characters of `createdBy`. */
  maxCreatedByLength: SILENCE_LIMITS.maxCreatedByLength,
  /** Characters of `reason`. */
  maxReasonLength: SILENCE_LIMITS.maxCommentLength,
} as const;

const L = PAUSE_LIMITS;
const text = (what: string, max: number) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, { error: `required (${what})` })
    .max(max, { error: `at most ${max} characters` });
const scopeId = (what: string) => text(what, L.maxScopeIdLength);
/** A domain never holds `/`: `product:<domain>/<product id>` must split back where it was joined. */
const domainId = scopeId('the domain').regex(/^[^/]*$/, { error: 'must not contain /' });

const SCOPE_TEXT = 'mesh, domain:<domain> or product:<domain>/<product id>';

/** `mesh`, `domain:hr`, `product:hr/hr.payroll` (the CLI form, and the scope keys) → a scope object. */
export function parseScopeText(value: string): PauseScope | undefined {
  if (value === 'mesh') return { kind: 'mesh' };
  const domain = /^domain:(.+)$/.exec(value);
  if (domain) return { kind: 'domain', domain: domain[1] as string };
  const product = /^product:([^/]+)\/(.+)$/.exec(value);
  if (product) return { kind: 'product', domain: product[1] as string, productId: product[2] as string };
  return undefined;
}

const scopeObject = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('mesh') }),
    z.strictObject({ kind: z.literal('domain'), domain: domainId }),
    z.strictObject({
      kind: z.literal('product'),
      domain: domainId,
      productId: scopeId('the product id'),
    }),
  ],
  { error: `must be ${SCOPE_TEXT}, or {kind: mesh|domain|product, domain?, productId?}` },
);

const scope = z.preprocess((v) => (typeof v === 'string' ? (parseScopeText(v) ?? v) : v), scopeObject);

const epochMs = z.int({ error: 'must be an integer, ms since the epoch' }).nonnegative({
  error: 'must be an integer, ms since the epoch',
});

const requestSchema = z.strictObject(
  {
    scope,
    reason: text('why', L.maxReasonLength),
    createdBy: text('who pauses', L.maxCreatedByLength),
    untilMs: epochMs.optional(),
    until: z.iso
      .datetime({ offset: true, error: 'must be an ISO 8601 time with a zone, e.g. 2026-03-01T09:00:00Z' })
      .transform((s) => Date.parse(s))
      .optional(),
    durationMs: z.int({ error: 'must be an integer, ms' }).positive({ error: 'must be positive' }).optional(),
  },
  { error: 'must be a JSON object' },
);

export type PauseRequestResult =
  { readonly ok: true; readonly value: Pause } | { readonly ok: false; readonly issues: FieldIssue[] };

/**
 * Validates a pause request strictly (scope as text or object, `reason` and `createdBy` required and
 * bounded, at most one of `untilMs`, `until` or `durationMs`, in the future; none: until removed), each
 * issue naming its field. The pause starts at `nowMs`.
 */
export function parsePauseRequest(body: unknown, nowMs: number): PauseRequestResult {
  const parsed = requestSchema.safeParse(body ?? {});
  if (!parsed.success) return { ok: false, issues: fieldIssues(parsed.error) };
  const r = parsed.data;
  const ends = (['untilMs', 'until', 'durationMs'] as const).filter((f) => r[f] !== undefined);
  if (ends.length > 1)
    return {
      ok: false,
      issues: [{ field: ends[1] as string, reason: 'give one of untilMs, until, durationMs' }],
    };
  const untilMs = r.untilMs ?? r.until ?? (r.durationMs === undefined ? undefined : nowMs + r.durationMs);
  if (untilMs !== undefined && untilMs <= nowMs)
    return { ok: false, issues: [{ field: ends[0] as string, reason: 'must end in the future' }] };
  const pauseScope = r.scope as PauseScope;
  return {
    ok: true,
    value: {
      scope: pauseScope,
      scopeKey: scopeKeyOf(pauseScope),
      reason: r.reason,
      createdBy: r.createdBy,
      createdAtMs: nowMs,
      ...(untilMs === undefined ? {} : { untilMs }),
    },
  };
}
