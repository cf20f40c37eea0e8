import { z } from 'zod';
import type { FieldIssue } from '@mesh-momentum/common';
import { parseMatcher, patternProblem, type Matcher, type Silence } from './silences.ts';

const DAY_MS = 86_400_000;

/**
 * Bounds of a silence request (HTTP `POST /api/silences` and `pnpm alerter:silence add` alike): a
 * silence is a few hundred bytes, and its matchers are tested against every alert at every evaluation.
 */
export const SILENCE_LIMITS = {
  /** Matchers per silence. */
  maxMatchers: 16,
  /** Characters of a matcher's label name. */
  maxLabelNameLength: 64,
  /** Characters of a matcher's value or pattern. */
  maxMatcherValueLength: 256,
  /** Characters of `createdBy`. */
  maxCreatedByLength: 128,
  /** Characters of `comment`. */
  maxCommentLength: 1_024,
  /** Longest silence, ms (90 days); a scope on hold for longer is a pause, not a silence. */
  maxDurationMs: 90 * DAY_MS,
} as const;

/** Prometheus label names: letters, digits and `_`, not starting with a digit. */
export const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const L = SILENCE_LIMITS;
const text = (what: string, max: number) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, { error: `required (${what})` })
    .max(max, { error: `at most ${max} characters` });
const epochMs = z.int({ error: 'must be an integer, ms since the epoch' }).nonnegative({
  error: 'must be an integer, ms since the epoch',
});
const isoTime = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 time with a zone, e.g. 2026-03-01T09:00:00Z' })
  .transform((s) => Date.parse(s));

const matcherObject = z.strictObject(
  {
    name: z
      .string({ error: 'must be a string' })
      .max(L.maxLabelNameLength, { error: `at most ${L.maxLabelNameLength} characters` })
      .regex(LABEL_NAME, { error: 'must be a label name: letters, digits and _, not starting with a digit' }),
    value: z
      .string({ error: 'must be a string' })
      .max(L.maxMatcherValueLength, { error: `at most ${L.maxMatcherValueLength} characters` }),
    isRegex: z.boolean({ error: 'must be a boolean' }).default(false),
    isEqual: z.boolean({ error: 'must be a boolean' }).default(true),
  },
  {
    error:
      'must be {name, value, isRegex?, isEqual?} or text like name=value, name!=value, name=~re, name!~re',
  },
);

/** A matcher as an object, or in the CLI's text form (`domain=hr`, `product=~hr\..*`). */
const matcher = z
  .preprocess((v) => (typeof v === 'string' ? (parseMatcher(v) ?? v) : v), matcherObject)
  .superRefine((m, ctx) => {
    if (!m.isRegex) return;
    const problem = patternProblem(m.value);
    if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
  });

const requestSchema = z.strictObject(
  {
    matchers: z
      .array(matcher, { error: 'must be a list of matchers' })
      .min(1, { error: 'at least one matcher is required' })
      .max(L.maxMatchers, { error: `at most ${L.maxMatchers} matchers` }),
    startsAtMs: epochMs.optional(),
    startsAt: isoTime.optional(),
    endsAtMs: epochMs.optional(),
    endsAt: isoTime.optional(),
    durationMs: z.int({ error: 'must be an integer, ms' }).positive({ error: 'must be positive' }).optional(),
    createdBy: text('who silences', L.maxCreatedByLength),
    comment: text('why', L.maxCommentLength),
  },
  { error: 'must be a JSON object' },
);

const END_FIELDS = ['endsAtMs', 'endsAt', 'durationMs'];
/** The request's fields in the order issues are reported (as the API documents them); unknown ones last. */
const FIELD_ORDER = ['(body)', 'matchers', 'startsAtMs', 'startsAt', ...END_FIELDS, 'createdBy', 'comment'];

function inFieldOrder(issues: FieldIssue[]): FieldIssue[] {
  const rank = (i: FieldIssue) => {
    const at = FIELD_ORDER.indexOf(i.field.split('.')[0] ?? '');
    return at < 0 ? FIELD_ORDER.length : at;
  };
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) => rank(a.issue) - rank(b.issue) || a.index - b.index)
    .map((x) => x.issue);
}

/** What a valid request describes: a silence without its id. */
export type SilenceSpec = Omit<Silence, 'id'>;

export type SilenceRequestResult =
  { readonly ok: true; readonly value: SilenceSpec } | { readonly ok: false; readonly issues: FieldIssue[] };

/** zod's issues as fields and reasons; an unknown key is named as its own field. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    const at = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: at ? `${at}.${key}` : key, reason: 'unknown field' }));
    }
    return [{ field: at || '(body)', reason: issue.message }];
  });
}

/**
 * Validates a silence request strictly (types, lengths, RE2 patterns; times as ms or ISO 8601, one
 * of `endsAtMs`, `endsAt` or `durationMs`; the end after the start and in the future; at most
 * SILENCE_LIMITS.maxDurationMs long, starting within that much from now). Every issue names its field.
 */
export function parseSilenceRequest(body: unknown, nowMs: number): SilenceRequestResult {
  const input = body ?? {};
  const parsed = requestSchema.safeParse(input);
  if (!parsed.success) {
    const issues = fieldIssues(parsed.error);
    // Reported with the others, not after they are fixed: a missing end is a missing field too.
    if (typeof input === 'object' && !Array.isArray(input) && !END_FIELDS.some((f) => f in input))
      issues.push({ field: 'endsAtMs', reason: 'required: endsAtMs, endsAt or durationMs' });
    return { ok: false, issues: inFieldOrder(issues) };
  }
  const r = parsed.data;
  const issues: FieldIssue[] = [];
  if (r.startsAtMs !== undefined && r.startsAt !== undefined)
    issues.push({ field: 'startsAt', reason: 'give startsAt or startsAtMs, not both' });
  const ends = [
    ['endsAtMs', r.endsAtMs],
    ['endsAt', r.endsAt],
    ['durationMs', r.durationMs],
  ].filter(([, v]) => v !== undefined);
  if (ends.length === 0)
    issues.push({ field: 'endsAtMs', reason: 'required: endsAtMs, endsAt or durationMs' });
  if (ends.length > 1)
    issues.push({ field: String(ends[1]?.[0]), reason: 'give one of endsAtMs, endsAt, durationMs' });
  if (issues.length > 0) return { ok: false, issues };

  const startsAtMs = r.startsAtMs ?? r.startsAt ?? nowMs;
  const endsAtMs = r.endsAtMs ?? r.endsAt ?? startsAtMs + (r.durationMs as number);
  const endField = r.endsAtMs !== undefined ? 'endsAtMs' : r.endsAt !== undefined ? 'endsAt' : 'durationMs';
  const startField = r.startsAt !== undefined ? 'startsAt' : 'startsAtMs';
  if (endsAtMs <= startsAtMs) issues.push({ field: endField, reason: 'must end after it starts' });
  else if (endsAtMs <= nowMs) issues.push({ field: endField, reason: 'must end in the future' });
  else if (endsAtMs - startsAtMs > L.maxDurationMs)
    issues.push({ field: endField, reason: `at most ${L.maxDurationMs / DAY_MS} days long` });
  if (startsAtMs - nowMs > L.maxDurationMs)
    issues.push({ field: startField, reason: `must start within ${L.maxDurationMs / DAY_MS} days` });
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    value: {
      matchers: r.matchers as Matcher[],
      startsAtMs,
      endsAtMs,
      createdBy: r.createdBy,
      comment: r.comment,
    },
  };
}
