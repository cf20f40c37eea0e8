import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERTING_CONFIG, type AlertingConfig } from './config.ts';
import {
  DAY_MS,
  HOUR_MS,
  HR,
  MINUTE_MS,
  obs,
  PAYROLL,
  SimulatedAlerter,
  T0,
} from './alerting.test-support.ts';
import type { AlertScope } from './types.ts';

const firingOf = (ns: { alerts: readonly { status: string }[] }[]) =>
  ns.flatMap((n) => n.alerts).filter((a) => a.status === 'firing').length;
const resolvedOf = (ns: { alerts: readonly { status: string }[] }[]) =>
  ns.flatMap((n) => n.alerts).filter((a) => a.status === 'resolved').length;

describe('engine: a domain goes silent and recovers', () => {
  it('sends exactly one firing notification after `for`, none before, and one resolved', () => {
    const a = new SimulatedAlerter();
    // 9 evaluations (minutes 0..8): pending, nothing sent.
    expect(a.run(() => [obs(HR, true)], 10 * MINUTE_MS)).toEqual([]);
    const fired = a.tick([obs(HR, true)]);
    expect(fired).toHaveLength(1);
    expect(fired[0]!.status).toBe('firing');
    expect(fired[0]!.alerts[0]!.labels).toMatchObject({ alertname: 'DomainMomentumStalled', domain: 'hr' });
    // Still stalled for a day (repeat interval 24 h): nothing more.
    expect(a.run(() => [obs(HR, true)], 12 * HOUR_MS, 5 * MINUTE_MS)).toEqual([]);
    // Recovers: keep_firing_for (6 h) first, then one resolved.
    const after = a.run(() => [obs(HR, false)], 7 * HOUR_MS, 5 * MINUTE_MS);
    expect(after).toHaveLength(1);
    expect(after[0]!.status).toBe('resolved');
    expect(after[0]!.alerts[0]!.endsAtMs).toBeDefined();
    expect(firingOf(a.sent)).toBe(1);
    expect(resolvedOf(a.sent)).toBe(1);
  });

  it('re-notifies a firing alert once per repeat interval, marked as a repeat', () => {
    const a = new SimulatedAlerter({ ...DEFAULT_ALERTING_CONFIG, repeatIntervalMs: 4 * HOUR_MS });
    a.run(() => [obs(HR, true)], 10 * HOUR_MS + 11 * MINUTE_MS, MINUTE_MS);
    const alerts = a.sent.flatMap((n) => n.alerts);
    expect(alerts.map((x) => x.repeat)).toEqual([false, true, true]);
    // Each notification has its own idempotency key.
    expect(new Set(a.sent.map((n) => n.idempotencyKey)).size).toBe(3);
  });

  it('gives a later stall of the same scope (a new episode) keys of its own', () => {
    const a = new SimulatedAlerter();
    a.run(() => [obs(HR, true)], 1 * HOUR_MS, 5 * MINUTE_MS);
    a.run(() => [obs(HR, false)], 7 * HOUR_MS, 5 * MINUTE_MS);
    // Long past the resolved alert's retention: the scope stalls again, the sequence starts again at 1.
    a.run(() => [obs(HR, false)], 30 * DAY_MS, HOUR_MS);
    a.run(() => [obs(HR, true)], 1 * HOUR_MS, 5 * MINUTE_MS);
    expect(firingOf(a.sent)).toBe(2);
    expect(new Set(a.sent.map((n) => n.idempotencyKey)).size).toBe(a.sent.length);
  });

  it('flapping around the threshold does not spam', () => {
    const a = new SimulatedAlerter();
    // Alternating verdicts every 5 minutes for two days: pending resets (for = 10 min), nothing fires.
    let flip = false;
    a.run(() => [obs(HR, (flip = !flip))], 2 * DAY_MS, 5 * MINUTE_MS);
    expect(a.sent).toEqual([]);
    // Held long enough to fire, then flapping with gaps shorter than keep_firing_for: one firing, no resolve.
    a.run(() => [obs(HR, true)], 15 * MINUTE_MS, 5 * MINUTE_MS);
    let n = 0;
    a.run(() => [obs(HR, n++ % 12 === 0)], 20 * HOUR_MS, 5 * MINUTE_MS); // true once an hour
    expect(firingOf(a.sent)).toBe(1);
    expect(resolvedOf(a.sent)).toBe(0);
  });
});

describe('engine: silences', () => {
  const silenceHr = (endsAtMs: number) => ({
    id: 's1',
    matchers: [{ name: 'domain', value: 'hr', isRegex: false, isEqual: true }],
    startsAtMs: T0,
    endsAtMs,
    createdBy: 'lead@example.com',
    comment: 'reorganisation, known',
  });

  it('suppresses the firing notification while active and notifies once it expires', () => {
    const a = new SimulatedAlerter();
    a.silences = [silenceHr(T0 + 3 * HOUR_MS)];
    expect(a.run(() => [obs(HR, true)], 3 * HOUR_MS, 5 * MINUTE_MS)).toEqual([]);
    expect([...a.states.values()][0]!.status).toBe('firing');
    const after = a.tick([obs(HR, true)]);
    expect(firingOf(after)).toBe(1);
    expect(after[0]!.alerts[0]!.repeat).toBe(false);
  });

  it('an alert that fired and resolved under a silence is never told', () => {
    const a = new SimulatedAlerter();
    a.silences = [silenceHr(T0 + 30 * DAY_MS)];
    a.run(() => [obs(HR, true)], HOUR_MS, 5 * MINUTE_MS);
    a.run(() => [obs(HR, false)], 8 * HOUR_MS, 5 * MINUTE_MS);
    expect(a.sent).toEqual([]);
  });

  it('the resolution of an alert people heard of is sent even under a silence', () => {
    const a = new SimulatedAlerter();
    a.run(() => [obs(HR, true)], HOUR_MS, 5 * MINUTE_MS);
    a.silences = [silenceHr(T0 + 30 * DAY_MS)];
    a.run(() => [obs(HR, false)], 8 * HOUR_MS, 5 * MINUTE_MS);
    expect(firingOf(a.sent)).toBe(1);
    expect(resolvedOf(a.sent)).toBe(1);
  });

  it('silences other scopes only when the matchers say so', () => {
    const a = new SimulatedAlerter({ ...DEFAULT_ALERTING_CONFIG, groupBy: 'ownerTeam' });
    a.silences = [
      {
        ...silenceHr(T0 + DAY_MS),
        matchers: [{ name: 'scope_kind', value: 'product', isRegex: false, isEqual: true }],
      },
    ];
    a.run(() => [obs(HR, true), obs(PAYROLL, true)], HOUR_MS, 5 * MINUTE_MS);
    expect(a.sent.flatMap((n) => n.alerts.map((x) => x.labels['scope_kind']))).toEqual(['domain']);
  });
});

describe('engine: grouping and identity', () => {
  const products = (n: number): AlertScope[] =>
    Array.from({ length: n }, (_, i) => ({
      kind: 'product',
      domain: 'hr',
      productId: `hr.p${i}`,
      ownerTeam: `team-${i % 2}`,
    }));

  it('groups the alerts of one domain into one notification', () => {
    const a = new SimulatedAlerter();
    a.run(() => [obs(HR, true), ...products(4).map((p) => obs(p, true))], 11 * MINUTE_MS);
    expect(a.sent).toHaveLength(1);
    expect(a.sent[0]!.groupKey).toBe('domain=hr');
    expect(a.sent[0]!.alerts).toHaveLength(5);
  });

  it('groups by owner team when asked; a domain alert falls back to its domain', () => {
    const a = new SimulatedAlerter({ ...DEFAULT_ALERTING_CONFIG, groupBy: 'ownerTeam' });
    a.run(() => [obs(HR, true), ...products(4).map((p) => obs(p, true))], 11 * MINUTE_MS);
    expect(a.sent.map((n) => [n.groupKey, n.alerts.length])).toEqual([
      ['domain=hr', 1],
      ['owner_team=team-0', 2],
      ['owner_team=team-1', 2],
    ]);
  });

  it('one fingerprint per rule and scope, whatever the evidence', () => {
    const a = new SimulatedAlerter();
    const payments: AlertScope = { kind: 'domain', domain: 'payments' };
    a.tick([obs(HR, true), obs(payments, true), obs(PAYROLL, true)]);
    const fps = [...a.states.keys()];
    expect(new Set(fps).size).toBe(3);
    a.tick([{ ...obs(HR, true), momentum: 1, reason: 'decline' }, obs(payments, true), obs(PAYROLL, true)]);
    expect([...a.states.keys()].sort()).toEqual([...fps].sort());
  });

  it('the same decision gives the same idempotency key (a replay after a crash)', () => {
    const run = () => {
      const a = new SimulatedAlerter();
      a.run(() => [obs(HR, true), obs(PAYROLL, true)], 11 * MINUTE_MS);
      return a.sent.map((n) => n.idempotencyKey);
    };
    expect(run()).toEqual(run());
    expect(run()[0]).toMatch(/^mmn_[0-9a-f]{32}$/);
  });

  it('a scope that disappears stops holding and resolves', () => {
    const config: AlertingConfig = { ...DEFAULT_ALERTING_CONFIG };
    const a = new SimulatedAlerter(config);
    a.run(() => [obs(PAYROLL, true)], 11 * MINUTE_MS);
    a.run(() => [], 7 * HOUR_MS, 10 * MINUTE_MS);
    expect(resolvedOf(a.sent)).toBe(1);
  });

  it('a disabled rule never fires; switching it off resolves what fired', () => {
    const off: AlertingConfig = {
      ...DEFAULT_ALERTING_CONFIG,
      rules: DEFAULT_ALERTING_CONFIG.rules.map((r) =>
        r.scopeKind === 'product' ? { ...r, enabled: false } : r,
      ),
    };
    const a = new SimulatedAlerter(off);
    a.run(() => [obs(PAYROLL, true)], HOUR_MS);
    expect(a.sent).toEqual([]);
    const b = new SimulatedAlerter();
    b.run(() => [obs(PAYROLL, true)], HOUR_MS);
    const switched = new SimulatedAlerter(off);
    switched.states = b.states;
    switched.nowMs = b.nowMs;
    switched.tick([obs(PAYROLL, true)]);
    expect(resolvedOf(switched.sent)).toBe(1);
  });
});
