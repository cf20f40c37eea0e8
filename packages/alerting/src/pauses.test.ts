import { describe, expect, it } from 'vitest';
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
import { parsePauseRequest, parseScopeText, PAUSE_LIMITS } from './pause-request.ts';
import { pauseCovering, type Pause, type PauseScope } from './pauses.ts';
import { scopeKeyOf } from './fingerprint.ts';
import type { AlertScope } from './types.ts';

const MESH: AlertScope = { kind: 'mesh' };
const pauseOf = (scope: PauseScope, extra: Partial<Pause> = {}): Pause => ({
  scope,
  scopeKey: scopeKeyOf(scope),
  reason: 'reorg until March',
  createdBy: 'lead@example.com',
  createdAtMs: T0,
  ...extra,
});
const statuses = (a: SimulatedAlerter) => [...a.states.values()].map((s) => [s.rule, s.status]);

describe('pauses: what a pause covers', () => {
  const domainHr = pauseOf({ kind: 'domain', domain: 'hr' });
  const payroll = pauseOf({ kind: 'product', domain: 'hr', productId: 'hr.payroll' });
  const mesh = pauseOf({ kind: 'mesh' });

  it('a scope and the scopes inside it, the most specific pause first', () => {
    expect(pauseCovering(HR, [domainHr], T0)).toBe(domainHr);
    expect(pauseCovering(PAYROLL, [domainHr], T0)).toBe(domainHr);
    expect(pauseCovering(PAYROLL, [mesh, domainHr, payroll], T0)).toBe(payroll);
    expect(pauseCovering(HR, [payroll], T0)).toBeUndefined();
    expect(pauseCovering({ kind: 'domain', domain: 'payments' }, [domainHr], T0)).toBeUndefined();
    expect(pauseCovering(MESH, [domainHr], T0)).toBeUndefined();
    expect(pauseCovering({ kind: 'domain', domain: 'payments' }, [mesh], T0)).toBe(mesh);
  });

  it('from its creation until `untilMs` (exclusive), or until removed', () => {
    const until = pauseOf({ kind: 'domain', domain: 'hr' }, { untilMs: T0 + DAY_MS });
    expect(pauseCovering(HR, [until], T0 - 1)).toBeUndefined();
    expect(pauseCovering(HR, [until], T0 + DAY_MS - 1)).toBe(until);
    expect(pauseCovering(HR, [until], T0 + DAY_MS)).toBeUndefined();
    expect(pauseCovering(HR, [domainHr], T0 + 365 * DAY_MS)).toBe(domainHr);
  });
});

describe('pauses: the lifecycle of a paused scope', () => {
  it('a paused scope never goes pending or firing, however long it stalls', () => {
    const a = new SimulatedAlerter();
    a.pauses = [pauseOf({ kind: 'domain', domain: 'hr' })];
    expect(a.run(() => [obs(HR, true), obs(PAYROLL, true)], 3 * DAY_MS, 10 * MINUTE_MS)).toEqual([]);
    expect(a.states.size).toBe(0);
  });

  it('a firing alert of a scope that gets paused resolves once, saying paused; the scope is judged again when the pause ends', () => {
    const a = new SimulatedAlerter();
    a.run(() => [obs(HR, true)], 11 * MINUTE_MS);
    expect(a.sent.map((n) => n.status)).toEqual(['firing']);
    a.pauses = [
      pauseOf({ kind: 'domain', domain: 'hr' }, { createdAtMs: a.nowMs, untilMs: a.nowMs + 2 * DAY_MS }),
    ];
    // Resolved at the first evaluation under the pause (no keep_firing_for), then nothing while paused.
    const during = a.run(() => [obs(HR, true)], 2 * DAY_MS - HOUR_MS, 10 * MINUTE_MS);
    expect(during.map((n) => n.status)).toEqual(['resolved']);
    const resolved = during[0]!.alerts[0]!;
    expect(resolved.evidence.exemption).toBe('paused');
    expect(resolved.evidence.pause).toMatchObject({ scopeKey: 'domain:hr', reason: 'reorg until March' });
    expect(resolved.annotations['summary']).toBe(
      'Momentum of domain "hr" not judged: paused ("reorg until March")',
    );
    expect(resolved.annotations['description']).toMatch(
      /^Paused by "lead@example\.com" since .*, until .*: "reorg/,
    );
    expect(resolved.annotations['exemption']).toBe('paused');
    // The pause ends, the domain still stalls: a new episode, pending then firing after `for`.
    const after = a.run(() => [obs(HR, true)], 2 * HOUR_MS, 5 * MINUTE_MS);
    expect(after.map((n) => n.status)).toEqual(['firing']);
    expect(after[0]!.idempotencyKey).not.toBe(a.sent[0]!.idempotencyKey);
  });

  it('a pending alert is cleared, and an alert never notified resolves silently', () => {
    const a = new SimulatedAlerter();
    a.run(() => [obs(HR, true)], 5 * MINUTE_MS);
    expect(statuses(a)).toEqual([['DomainMomentumStalled', 'pending']]);
    a.pauses = [pauseOf({ kind: 'mesh' }, { createdAtMs: a.nowMs })];
    a.tick([obs(HR, true)]);
    expect(a.states.size).toBe(0);
    // Fired under a silence (never notified), then paused: resolved, nobody told.
    const b = new SimulatedAlerter();
    b.silences = [
      {
        id: 's',
        matchers: [{ name: 'domain', value: 'hr', isRegex: false, isEqual: true }],
        startsAtMs: T0,
        endsAtMs: T0 + 30 * DAY_MS,
        createdBy: 'x',
        comment: 'y',
      },
    ];
    b.run(() => [obs(HR, true)], 20 * MINUTE_MS);
    expect(statuses(b)).toEqual([['DomainMomentumStalled', 'firing']]);
    b.pauses = [pauseOf({ kind: 'domain', domain: 'hr' }, { createdAtMs: b.nowMs })];
    b.tick([obs(HR, true)]);
    expect(statuses(b)).toEqual([['DomainMomentumStalled', 'resolved']]);
    expect(b.sent).toEqual([]);
  });

  it('a firing alert whose scope is no longer observed is resolved by a pause too', () => {
    const a = new SimulatedAlerter();
    a.run(() => [obs(PAYROLL, true)], 11 * MINUTE_MS);
    a.pauses = [pauseOf({ kind: 'domain', domain: 'hr' }, { createdAtMs: a.nowMs })];
    const sent = a.tick([]);
    expect(sent.flatMap((n) => n.alerts).map((x) => [x.status, x.evidence.exemption])).toEqual([
      ['resolved', 'paused'],
    ]);
  });

  it('pauses only what it covers', () => {
    const a = new SimulatedAlerter();
    a.pauses = [pauseOf({ kind: 'product', domain: 'hr', productId: 'hr.payroll' })];
    a.run(() => [obs(HR, true), obs(PAYROLL, true)], 11 * MINUTE_MS);
    expect(statuses(a)).toEqual([['DomainMomentumStalled', 'firing']]);
  });
});

describe('pause requests', () => {
  const ok = { scope: 'domain:hr', reason: 'reorg', createdBy: 'lead' };
  const fieldsOf = (body: unknown) => {
    const r = parsePauseRequest(body, T0);
    return r.ok ? [] : r.issues.map((i) => i.field);
  };

  it('accepts a scope as text or object, with or without an end', () => {
    expect(parsePauseRequest(ok, T0)).toEqual({
      ok: true,
      value: {
        scope: { kind: 'domain', domain: 'hr' },
        scopeKey: 'domain:hr',
        reason: 'reorg',
        createdBy: 'lead',
        createdAtMs: T0,
      },
    });
    const product = parsePauseRequest(
      { ...ok, scope: { kind: 'product', domain: 'hr', productId: 'hr/payroll' }, durationMs: DAY_MS },
      T0,
    );
    expect(product).toMatchObject({
      ok: true,
      value: { scopeKey: 'product:hr/hr/payroll', untilMs: T0 + DAY_MS },
    });
    expect(parsePauseRequest({ ...ok, scope: 'mesh', until: '2026-06-02T00:00:00Z' }, T0)).toMatchObject({
      ok: true,
      value: { scopeKey: 'mesh', untilMs: Date.UTC(2026, 5, 2) },
    });
    expect(parseScopeText('product:hr/hr/payroll')).toEqual({
      kind: 'product',
      domain: 'hr',
      productId: 'hr/payroll',
    });
  });

  it('names every bad field', () => {
    expect(fieldsOf({})).toEqual(['scope', 'reason', 'createdBy']);
    expect(fieldsOf({ ...ok, scope: 'team:x' })).toEqual(['scope']);
    expect(fieldsOf({ ...ok, scope: { kind: 'domain' } })).toEqual(['scope.domain']);
    expect(fieldsOf({ ...ok, scope: { kind: 'domain', domain: 'a/b' } })).toEqual(['scope.domain']);
    expect(fieldsOf({ ...ok, scope: `domain:${'d'.repeat(PAUSE_LIMITS.maxScopeIdLength + 1)}` })).toEqual([
      'scope.domain',
    ]);
    expect(fieldsOf({ ...ok, reason: 'x'.repeat(PAUSE_LIMITS.maxReasonLength + 1) })).toEqual(['reason']);
    expect(fieldsOf({ ...ok, createdBy: 7 })).toEqual(['createdBy']);
    expect(fieldsOf({ ...ok, untilMs: T0 - 1 })).toEqual(['untilMs']);
    expect(fieldsOf({ ...ok, untilMs: T0 + 1, durationMs: 5 })).toEqual(['durationMs']);
    expect(fieldsOf({ ...ok, until: 'tomorrow' })).toEqual(['until']);
    expect(fieldsOf({ ...ok, paused: true })).toEqual(['paused']);
  });
});
