import type { FieldIssue } from '@mesh-momentum/common';

/** One label matcher, as in Alertmanager: `=`, `!=`, `=~`, `!~` (regexes anchored at both ends). */
export interface Matcher {
  readonly name: string;
  readonly value: string;
  readonly isRegex: boolean;
  /** False for `!=` and `!~`. @defaultValue true */
  readonly isEqual: boolean;
}

export interface Silence {
  readonly id: string;
  readonly matchers: readonly Matcher[];
  readonly startsAtMs: number;
  /** The silence expires at this instant (exclusive), ms. */
  readonly endsAtMs: number;
  readonly createdBy: string;
  /** Why: mandatory, so a muted alert always has an explanation. */
  readonly comment: string;
}

/** Longest accepted regex matcher, characters: a guard against pathological patterns in a shared service. */
const MAX_PATTERN_LENGTH = 256;

/** The input of a silence before it is accepted; `validateSilence` names each bad field. */
export interface SilenceInput {
  readonly matchers?: unknown;
  readonly startsAtMs?: unknown;
  readonly endsAtMs?: unknown;
  readonly createdBy?: unknown;
  readonly comment?: unknown;
}

const nonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** Problems of a silence request; empty when it can be stored. */
export function validateSilence(input: SilenceInput, nowMs: number): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!Array.isArray(input.matchers) || input.matchers.length === 0) {
    issues.push({ field: 'matchers', reason: 'at least one matcher is required' });
  } else {
    input.matchers.forEach((m: unknown, i) => {
      const matcher = m as Partial<Matcher> | null;
      if (!matcher || !nonEmptyString(matcher.name))
        issues.push({ field: `matchers.${i}.name`, reason: 'required' });
      if (!matcher || typeof matcher.value !== 'string') {
        issues.push({ field: `matchers.${i}.value`, reason: 'must be a string' });
      } else if (matcher.isRegex === true) {
        if (matcher.value.length > MAX_PATTERN_LENGTH) {
          issues.push({
            field: `matchers.${i}.value`,
            reason: `longer than ${MAX_PATTERN_LENGTH} characters`,
          });
        } else {
          try {
            new RegExp(matcher.value);
          } catch {
            issues.push({ field: `matchers.${i}.value`, reason: 'not a valid regular expression' });
          }
        }
      }
    });
  }
  const starts = input.startsAtMs ?? nowMs;
  if (typeof starts !== 'number' || !Number.isSafeInteger(starts)) {
    issues.push({ field: 'startsAtMs', reason: 'must be an integer, ms since the epoch' });
  }
  if (typeof input.endsAtMs !== 'number' || !Number.isSafeInteger(input.endsAtMs)) {
    issues.push({ field: 'endsAtMs', reason: 'must be an integer, ms since the epoch' });
  } else if (typeof starts === 'number' && input.endsAtMs <= Math.max(starts, nowMs)) {
    issues.push({ field: 'endsAtMs', reason: 'must be after startsAtMs and in the future' });
  }
  if (!nonEmptyString(input.createdBy))
    issues.push({ field: 'createdBy', reason: 'required (who silences)' });
  if (!nonEmptyString(input.comment)) issues.push({ field: 'comment', reason: 'required (why)' });
  return issues;
}

/** Parses `name=value`, `name!=value`, `name=~regex`, `name!~regex` (CLI form). */
export function parseMatcher(text: string): Matcher | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(=~|!~|!=|=)(.*)$/.exec(text.trim());
  if (!m) return undefined;
  const op = m[2] as string;
  return {
    name: m[1] as string,
    value: m[3] as string,
    isRegex: op.endsWith('~'),
    isEqual: op.startsWith('='),
  };
}

function matches(matcher: Matcher, labels: Readonly<Record<string, string>>): boolean {
  // A missing label matches as the empty string, as in Alertmanager.
  const value = labels[matcher.name] ?? '';
  const hit = matcher.isRegex ? new RegExp(`^(?:${matcher.value})$`).test(value) : value === matcher.value;
  return matcher.isEqual === false ? !hit : hit;
}

export function isActive(silence: Silence, nowMs: number): boolean {
  return silence.startsAtMs <= nowMs && nowMs < silence.endsAtMs;
}

/** The active silences whose every matcher matches the labels. */
export function silencesMatching(
  labels: Readonly<Record<string, string>>,
  silences: readonly Silence[],
  nowMs: number,
): Silence[] {
  return silences.filter((s) => isActive(s, nowMs) && s.matchers.every((m) => matches(m, labels)));
}
