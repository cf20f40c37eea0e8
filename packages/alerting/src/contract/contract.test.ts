import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERTING_CONFIG } from '../config.ts';
import {
  DAY_MS,
  HOUR_MS,
  HR,
  MINUTE_MS,
  obs,
  PAYROLL,
  SimulatedAlerter,
  T0,
} from '../alerting.test-support.ts';
import { compileSilence, parseMatcher, type Silence } from '../silences.ts';
import { alerterKeys } from './keys.ts';
import { parseAlertStates, parsePauses, parseSilences } from './records.ts';
import type { Pause } from '../pauses.ts';
import { scopeOfLabels } from '../fingerprint.ts';
import { alertViews } from './view.ts';

const silence: Silence = {
  id: 'sil-1',
  matchers: [parseMatcher('domain=hr')!],
  startsAtMs: T0,
  endsAtMs: T0 + 30 * DAY_MS,
  createdBy: 'lead',
  comment: 'reorg',
};

/** Alert states as the alerter stores them: a simulated alerter's, serialised as the hash holds them. */
function storedStates(): Record<string, string> {
  const a = new SimulatedAlerter({ ...DEFAULT_ALERTING_CONFIG, rules: DEFAULT_ALERTING_CONFIG.rules });
  a.run(() => [obs(HR, true), obs(PAYROLL, true)], 11 * MINUTE_MS);
  return Object.fromEntries([...a.states].map(([fp, s]) => [fp, JSON.stringify(s)]));
}

describe('alert-state contract: keys', () => {
  it('puts every key under one hash tag beside the score namespaces', () => {
    const keys = alerterKeys('mm');
    expect(Object.values(keys).every((k) => k.startsWith('mm:{alerter}:'))).toBe(true);
    expect(keys.alerts).toBe('mm:{alerter}:alerts');
    expect(keys.silences).toBe('mm:{alerter}:silences');
    expect(keys.pauses).toBe('mm:{alerter}:pauses');
  });
});

describe('alert-state contract: stored records', () => {
  it('reads what the alerter writes, keeping fields it does not know', () => {
    const hash = storedStates();
    const { records, invalid } = parseAlertStates(hash);
    expect(invalid).toEqual([]);
    expect(records.map((s) => s.status).sort()).toEqual(['firing', 'firing']);
    const [fp, json] = Object.entries(hash)[0]!;
    const newer = JSON.stringify({ ...JSON.parse(json), addedLater: 1 });
    expect(parseAlertStates({ [fp]: newer }).records[0]).toMatchObject({ fingerprint: fp, addedLater: 1 });
  });

  it('reports a bad record (not JSON, a field missing or mistyped, under the wrong id) and keeps the rest', () => {
    const hash = storedStates();
    const [fp, json] = Object.entries(hash)[0]!;
    const state = JSON.parse(json) as Record<string, unknown>;
    const { records, invalid } = parseAlertStates({
      ...hash,
      broken: '{',
      missing: JSON.stringify({ ...state, fingerprint: 'missing', status: undefined }),
      mistyped: JSON.stringify({ ...state, fingerprint: 'mistyped', activeSinceMs: 'yesterday' }),
      elsewhere: json,
    });
    expect(records.map((s) => s.fingerprint).sort()).toEqual(Object.keys(hash).sort());
    expect(invalid).toEqual([
      { id: 'broken', reason: 'not JSON' },
      { id: 'missing', reason: expect.stringMatching(/^status: /) },
      { id: 'mistyped', reason: expect.stringMatching(/^activeSinceMs: /) },
      { id: 'elsewhere', reason: `stored under elsewhere but names ${fp}` },
    ]);
  });

  it('reads silences, earliest start first', () => {
    const later = { ...silence, id: 'sil-2', startsAtMs: T0 + HOUR_MS };
    const parsed = parseSilences({ 'sil-2': JSON.stringify(later), 'sil-1': JSON.stringify(silence) });
    expect(parsed.records.map((s) => s.id)).toEqual(['sil-1', 'sil-2']);
    expect(
      parseSilences({ x: JSON.stringify({ ...silence, id: 'x', matchers: 'domain=hr' }) }).invalid,
    ).toEqual([{ id: 'x', reason: expect.stringMatching(/^matchers: /) }]);
  });
});

const pause: Pause = {
  scope: { kind: 'domain', domain: 'hr' },
  scopeKey: 'domain:hr',
  reason: 'reorg',
  createdBy: 'lead',
  createdAtMs: T0,
};

describe('alert-state contract: pauses', () => {
  it('reads pauses by scope key, and refuses one stored under another scope', () => {
    const mesh: Pause = { ...pause, scope: { kind: 'mesh' }, scopeKey: 'mesh', untilMs: T0 + DAY_MS };
    const parsed = parsePauses({
      mesh: JSON.stringify(mesh),
      'domain:hr': JSON.stringify(pause),
      'domain:ops': JSON.stringify(pause),
    });
    expect(parsed.records).toEqual([pause, mesh]);
    expect(parsed.invalid).toEqual([
      { id: 'domain:ops', reason: 'stored under domain:ops but names domain:hr' },
    ]);
    expect(
      parsePauses({ x: JSON.stringify({ ...pause, scopeKey: 'x', scope: { kind: 'team' } }) }).invalid,
    ).toHaveLength(1);
  });
});

describe('alert-state contract: what a reader shows', () => {
  it("the pause that holds an alert's scope", () => {
    const { records } = parseAlertStates(storedStates());
    const views = alertViews({ states: records, silences: [], pauses: [pause], nowMs: T0 + HOUR_MS });
    expect(views.map((v) => [v.scopeKey, v.paused?.scopeKey])).toEqual([
      ['domain:hr', 'domain:hr'],
      ['product:hr/hr.payroll', 'domain:hr'],
    ]);
    expect(views[0]!.paused).toEqual({
      scopeKey: 'domain:hr',
      reason: 'reorg',
      createdBy: 'lead',
      sinceMs: T0,
    });
    expect(
      alertViews({ states: records, silences: [], nowMs: T0 }).every((v) => v.paused === undefined),
    ).toBe(true);
  });

  it('scope, state, since, rule and the silences that hold it', () => {
    const { records } = parseAlertStates(storedStates());
    const views = alertViews({ states: records, silences: [compileSilence(silence)], nowMs: T0 + HOUR_MS });
    expect(views.map((v) => [v.scopeKey, v.state, v.rule, v.silencedBy])).toEqual([
      ['domain:hr', 'firing', 'DomainMomentumStalled', ['sil-1']],
      ['product:hr/hr.payroll', 'firing', 'ProductMomentumStalled', ['sil-1']],
    ]);
    const domain = views[0]!;
    expect(domain.scope).toEqual({ kind: 'domain', domain: 'hr' });
    expect(domain.sinceMs).toBe(records.find((s) => s.rule === 'DomainMomentumStalled')!.firingSinceMs);
    expect(domain.stallReason).toBe('inactivity');
    expect(domain.dashboardUrl).toBe('http://127.0.0.1:8090/#/domain/hr');
    // An ended silence holds nothing.
    const after = alertViews({
      states: records,
      silences: [compileSilence(silence)],
      nowMs: T0 + 31 * DAY_MS,
    });
    expect(after.every((v) => v.silencedBy.length === 0)).toBe(true);
  });

  it('firing first, then pending, then resolved', () => {
    const a = new SimulatedAlerter();
    a.run(() => [obs(HR, true)], 11 * MINUTE_MS);
    a.run(() => [obs(HR, false), obs(PAYROLL, true)], 6 * HOUR_MS + 5 * MINUTE_MS);
    a.tick([obs(HR, false), obs(PAYROLL, true), obs({ kind: 'mesh' }, true)]);
    const views = alertViews({ states: a.states.values(), silences: [], nowMs: a.nowMs });
    expect(views.map((v) => [v.scopeKey, v.state])).toEqual([
      ['product:hr/hr.payroll', 'firing'],
      ['mesh', 'pending'],
      ['domain:hr', 'resolved'],
    ]);
  });

  it('reads the scope from the labels', () => {
    expect(scopeOfLabels({ scope_kind: 'mesh' })).toEqual({ kind: 'mesh' });
    expect(scopeOfLabels({ scope_kind: 'product', domain: 'hr', product: 'hr.p', owner_team: 't' })).toEqual({
      kind: 'product',
      domain: 'hr',
      productId: 'hr.p',
      ownerTeam: 't',
    });
  });
});
