import { RE2JS } from 're2js';
import { describe, expect, it, vi } from 'vitest';
import { parseSilenceRequest, SILENCE_LIMITS } from './silence-request.ts';
import {
  compileSilence,
  parseMatcher,
  patternProblem,
  SilenceCache,
  silencesMatching,
  type Silence,
} from './silences.ts';

const T = Date.UTC(2026, 0, 1);
const DAY_MS = 86_400_000;
const labels = {
  alertname: 'ProductMomentumStalled',
  domain: 'hr',
  product: 'hr.payroll',
  scope_kind: 'product',
};
const silence = (text: string[], startsAtMs = T, endsAtMs = T + 1000, id = 's'): Silence => ({
  id,
  matchers: text.map((t) => parseMatcher(t)!),
  startsAtMs,
  endsAtMs,
  createdBy: 'me',
  comment: 'why',
});
const matching = (s: Silence, at = T) => silencesMatching(labels, [compileSilence(s)], at);

describe('silence matching', () => {
  it.each([
    [['domain=hr'], true],
    [['domain=payments'], false],
    [['domain!=payments'], true],
    [['product=~hr\\..*'], true],
    [['product=~payroll'], false], // anchored: the whole value must match
    [['product=~hr|payroll'], false], // anchored around the whole alternation, as Alertmanager's ^(?:…)$
    [['product!~hr\\..*'], false],
    [['domain=hr', 'scope_kind=domain'], false], // every matcher must match
    [['owner_team='], true], // a missing label matches the empty string
  ])('%j matches: %s', (text, expected) => {
    expect(matching(silence(text)).length > 0).toBe(expected);
  });

  it('is active from startsAt (inclusive) to endsAt (exclusive)', () => {
    const s = silence(['domain=hr'], T, T + 1000);
    expect(matching(s, T - 1)).toEqual([]);
    expect(matching(s, T)).toEqual([s]);
    expect(matching(s, T + 999)).toEqual([s]);
    expect(matching(s, T + 1000)).toEqual([]);
  });

  it('parses the four operators and refuses the rest', () => {
    expect(parseMatcher('a!~b')).toEqual({ name: 'a', value: 'b', isRegex: true, isEqual: false });
    expect(parseMatcher('a=~b')).toEqual({ name: 'a', value: 'b', isRegex: true, isEqual: true });
    expect(parseMatcher('a!=b')).toEqual({ name: 'a', value: 'b', isRegex: false, isEqual: false });
    expect(parseMatcher('a==b')).toEqual({ name: 'a', value: '=b', isRegex: false, isEqual: true });
    expect(parseMatcher('1a=b')).toBeUndefined();
    expect(parseMatcher('novalue')).toBeUndefined();
  });

  it('compiles a regex once per silence, not at every evaluation', () => {
    const compile = vi.spyOn(RE2JS, 'compile');
    try {
      const cache = new SilenceCache();
      const s = silence(['product=~hr\\..*', 'domain=~h.']);
      for (let i = 0; i < 50; i++) {
        const compiled = cache.compile([s]);
        expect(silencesMatching(labels, compiled, T)).toEqual([s]);
      }
      expect(compile).toHaveBeenCalledTimes(2);
      // An expiry changes only the end: the compiled matchers are kept, the new end is used.
      const expired = { ...s, endsAtMs: T };
      expect(silencesMatching(labels, cache.compile([expired]), T)).toEqual([]);
      expect(compile).toHaveBeenCalledTimes(2);
      // Changed matchers are compiled again.
      cache.compile([{ ...s, matchers: [parseMatcher('product=~hr.*')!] }]);
      expect(compile).toHaveBeenCalledTimes(3);
    } finally {
      compile.mockRestore();
    }
  });

  it('leaves out a stored silence whose pattern does not compile, and reports it', () => {
    const bad: Silence = {
      ...silence(['domain=hr'], T, T + 1000, 'bad'),
      matchers: [{ name: 'x', value: '(', isRegex: true, isEqual: true }],
    };
    const invalid: string[] = [];
    const compiled = new SilenceCache().compile([bad, silence(['domain=hr'])], (s) => invalid.push(s.id));
    expect(compiled.map((c) => c.silence.id)).toEqual(['s']);
    expect(invalid).toEqual(['bad']);
  });

  it('matches a pathological pattern in linear time (RE2), whatever the label', () => {
    // (a|aa)+ passes the star-height test but backtracks exponentially in JavaScript's engine.
    const s: Silence = {
      ...silence([]),
      matchers: [{ name: 'product', value: '(a|aa)+', isRegex: true, isEqual: true }],
    };
    const began = performance.now();
    const hits = silencesMatching({ product: `${'a'.repeat(5_000)}b` }, [compileSilence(s)], T);
    expect(hits).toEqual([]);
    expect(performance.now() - began).toBeLessThan(1_000);
  });
});

describe('regex patterns', () => {
  it.each([
    ['hr\\..*', undefined],
    ['payments|hr', undefined],
    ['(', /not a valid RE2 regular expression/],
    ['(?=look)ahead', /not a valid RE2 regular expression/], // RE2, as Alertmanager: no look-arounds
    ['(a)\\1', /not a valid RE2 regular expression/],
    ['(a+)+', /catastrophic-looking/],
    ['(.*)*x', /catastrophic-looking/],
    ['([a-z]+)*$', /catastrophic-looking/],
  ])('%s → %s', (pattern, problem) => {
    const found = patternProblem(pattern);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });
});

describe('silence requests', () => {
  const ok = { matchers: ['domain=hr'], durationMs: 3_600_000, createdBy: 'lead', comment: 'reorg' };
  const issuesOf = (body: unknown) => {
    const result = parseSilenceRequest(body, T);
    return result.ok ? [] : result.issues;
  };
  const fieldsOf = (body: unknown) => issuesOf(body).map((i) => i.field);

  it('accepts the CLI form, objects with defaults, ms and ISO times', () => {
    const result = parseSilenceRequest(ok, T);
    expect(result).toEqual({
      ok: true,
      value: {
        matchers: [{ name: 'domain', value: 'hr', isRegex: false, isEqual: true }],
        startsAtMs: T,
        endsAtMs: T + 3_600_000,
        createdBy: 'lead',
        comment: 'reorg',
      },
    });
    const iso = parseSilenceRequest(
      {
        matchers: [{ name: 'product', value: 'hr\\..*', isRegex: true }],
        startsAt: '2026-01-01T01:00:00+01:00',
        endsAt: '2026-01-02T00:00:00Z',
        createdBy: ' lead ',
        comment: 'why',
      },
      T,
    );
    expect(iso).toMatchObject({
      ok: true,
      value: {
        matchers: [{ name: 'product', value: 'hr\\..*', isRegex: true, isEqual: true }],
        startsAtMs: T,
        endsAtMs: T + DAY_MS,
        createdBy: 'lead',
      },
    });
  });

  it('refuses a string where a boolean belongs ("false" is not false)', () => {
    expect(issuesOf({ ...ok, matchers: [{ name: 'domain', value: 'hr', isEqual: 'false' }] })).toEqual([
      { field: 'matchers.0.isEqual', reason: 'must be a boolean' },
    ]);
    expect(fieldsOf({ ...ok, matchers: [{ name: 'domain', value: 'hr', isRegex: 1 }] })).toEqual([
      'matchers.0.isRegex',
    ]);
  });

  it('names every bad field, unknown ones included', () => {
    expect(
      fieldsOf({
        matchers: [{ name: '', value: 1 }, { name: 'x', value: '(', isRegex: true }, 'no operator'],
        endsAtMs: '2026',
        createdBy: ' ',
        endAt: 1,
      }),
    ).toEqual([
      'matchers.0.name',
      'matchers.0.value',
      'matchers.1.value',
      'matchers.2',
      'endsAtMs',
      'createdBy',
      'comment',
      'endAt',
    ]);
    expect(fieldsOf({})).toEqual(['matchers', 'endsAtMs', 'createdBy', 'comment']);
    expect(fieldsOf(null)).toEqual(['matchers', 'endsAtMs', 'createdBy', 'comment']);
    expect(fieldsOf([])).toEqual(['(body)']);
    expect(fieldsOf({ ...ok, durationMs: undefined })).toEqual(['endsAtMs']);
  });

  it('bounds lengths and counts, naming the field', () => {
    const L = SILENCE_LIMITS;
    expect(issuesOf({ ...ok, comment: 'x'.repeat(L.maxCommentLength + 1) })).toEqual([
      { field: 'comment', reason: `at most ${L.maxCommentLength} characters` },
    ]);
    expect(fieldsOf({ ...ok, comment: 'x'.repeat(L.maxCommentLength) })).toEqual([]);
    expect(fieldsOf({ ...ok, createdBy: 'x'.repeat(L.maxCreatedByLength + 1) })).toEqual(['createdBy']);
    expect(fieldsOf({ ...ok, matchers: [`${'n'.repeat(L.maxLabelNameLength + 1)}=v`] })).toEqual([
      'matchers.0.name',
    ]);
    expect(fieldsOf({ ...ok, matchers: [`domain=${'v'.repeat(L.maxMatcherValueLength + 1)}`] })).toEqual([
      'matchers.0.value',
    ]);
    expect(
      fieldsOf({ ...ok, matchers: Array.from({ length: L.maxMatchers + 1 }, () => 'domain=hr') }),
    ).toEqual(['matchers']);
    expect(fieldsOf({ ...ok, matchers: [{ name: 'bad-name', value: 'x' }] })).toEqual(['matchers.0.name']);
  });

  it('refuses invalid and catastrophic-looking patterns at creation', () => {
    const issues = issuesOf({ ...ok, matchers: ['product=~(a+)+', 'domain=(a+)+', 'team!~(?=x)'] });
    expect(issues.map((i) => i.field)).toEqual(['matchers.0.value', 'matchers.2.value']);
    expect(issues[0]!.reason).toMatch(/catastrophic-looking/);
    expect(issues[1]!.reason).toMatch(/not a valid RE2/);
  });

  it('checks the times: one end, after the start, in the future, bounded', () => {
    expect(issuesOf({ ...ok, endsAtMs: T + 1 })).toEqual([
      { field: 'durationMs', reason: 'give one of endsAtMs, endsAt, durationMs' },
    ]);
    expect(issuesOf({ ...ok, durationMs: undefined, startsAtMs: T + 10, endsAtMs: T + 5 })).toEqual([
      { field: 'endsAtMs', reason: 'must end after it starts' },
    ]);
    expect(issuesOf({ ...ok, durationMs: undefined, startsAtMs: T - 10, endsAtMs: T })).toEqual([
      { field: 'endsAtMs', reason: 'must end in the future' },
    ]);
    expect(issuesOf({ ...ok, durationMs: 91 * DAY_MS })).toEqual([
      { field: 'durationMs', reason: 'at most 90 days long' },
    ]);
    expect(fieldsOf({ ...ok, startsAtMs: T + 91 * DAY_MS })).toEqual(['startsAtMs']);
    expect(fieldsOf({ ...ok, startsAt: '2026-01-01T00:00:00Z', startsAtMs: T })).toEqual(['startsAt']);
    expect(fieldsOf({ ...ok, durationMs: undefined, endsAt: '2026-01-02' })).toEqual(['endsAt']);
    expect(fieldsOf({ ...ok, durationMs: 1.5 })).toEqual(['durationMs']);
    expect(fieldsOf({ ...ok, durationMs: -1 })).toEqual(['durationMs']);
  });
});
