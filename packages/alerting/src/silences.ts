import { RE2JS } from 're2js';
import safeRegex from 'safe-regex2';

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

/** Labels of an alert, `name → value`. */
export type Labels = Readonly<Record<string, string>>;

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

/**
 * Why a regex matcher's pattern is refused, or undefined when it is accepted. Patterns are RE2 syntax,
 * as in Alertmanager (no look-arounds, no back-references), and matched by re2js in time linear in the
 * label's length, so none can hang the alerter; patterns that would be catastrophic in a backtracking
 * engine (nested quantifiers such as `(a+)+`, safe-regex2's star-height test) are refused all the same,
 * because other readers of the stored silences (any tool, any language) may use one.
 */
export function patternProblem(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
  } catch (error) {
    return `not a valid RE2 regular expression: ${(error as Error).message}`;
  }
  if (!safeRegex(pattern)) {
    return 'catastrophic-looking regular expression (nested quantifiers, e.g. (a+)+): refused';
  }
  return undefined;
}

/** One matcher as a predicate; a regex is compiled here, once, anchored at both ends. */
function compileMatcher(matcher: Matcher): (labels: Labels) => boolean {
  let hit: (value: string) => boolean;
  if (matcher.isRegex) {
    // `matches` is a whole-input match: Alertmanager's `^(?:…)$`.
    const re = RE2JS.compile(matcher.value);
    hit = (value) => re.matches(value);
  } else {
    hit = (value) => value === matcher.value;
  }
  // A missing label matches as the empty string, as in Alertmanager.
  return matcher.isEqual === false
    ? (labels) => !hit(labels[matcher.name] ?? '')
    : (labels) => hit(labels[matcher.name] ?? '');
}

/** A silence ready to match: its matchers compiled once, when it was created or loaded. */
export interface CompiledSilence {
  readonly silence: Silence;
  /** True when every matcher matches the labels. */
  readonly matches: (labels: Labels) => boolean;
}

/** @throws Error (from re2js) when a regex matcher does not compile: stored data that was never validated. */
export function compileSilence(silence: Silence): CompiledSilence {
  const predicates = silence.matchers.map(compileMatcher);
  return { silence, matches: (labels) => predicates.every((p) => p(labels)) };
}

/**
 * Compiled silences kept between evaluations: a silence is compiled when first seen and again only if
 * its matchers change (an expiry changes only its end); silences gone from the input are dropped.
 */
export class SilenceCache {
  readonly #byId = new Map<string, { readonly matchersJson: string; readonly compiled: CompiledSilence }>();

  /**
   * The silences compiled (cached ones reused, with the given silence's current times); one that does
   * not compile is left out and reported through `onInvalid`.
   */
  compile(
    silences: readonly Silence[],
    onInvalid?: (silence: Silence, error: unknown) => void,
  ): CompiledSilence[] {
    const seen = new Set<string>();
    const out: CompiledSilence[] = [];
    for (const silence of silences) {
      seen.add(silence.id);
      const matchersJson = JSON.stringify(silence.matchers);
      const cached = this.#byId.get(silence.id);
      if (cached && cached.matchersJson === matchersJson) {
        out.push(cached.compiled.silence === silence ? cached.compiled : { ...cached.compiled, silence });
        continue;
      }
      try {
        const compiled = compileSilence(silence);
        this.#byId.set(silence.id, { matchersJson, compiled });
        out.push(compiled);
      } catch (error) {
        this.#byId.delete(silence.id);
        onInvalid?.(silence, error);
      }
    }
    for (const id of this.#byId.keys()) if (!seen.has(id)) this.#byId.delete(id);
    return out;
  }
}

export function isActive(silence: Silence, nowMs: number): boolean {
  return silence.startsAtMs <= nowMs && nowMs < silence.endsAtMs;
}

/** The active silences whose every matcher matches the labels. */
export function silencesMatching(
  labels: Labels,
  silences: readonly CompiledSilence[],
  nowMs: number,
): Silence[] {
  return silences.filter((s) => isActive(s.silence, nowMs) && s.matches(labels)).map((s) => s.silence);
}
