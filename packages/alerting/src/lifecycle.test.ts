import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERTING_CONFIG, ruleFor, type AlertRule } from './config.ts';
import { evidenceOf } from './evidence.ts';
import { step } from './lifecycle.ts';
import { HR, MINUTE_MS, obs, T0 } from './alerting.test-support.ts';
import type { AlertState } from './types.ts';

const RULE = {
  ...(ruleFor(DEFAULT_ALERTING_CONFIG, 'domain') as AlertRule),
  forMs: 10 * MINUTE_MS,
  keepFiringForMs: 30 * MINUTE_MS,
};
const evidence = evidenceOf(obs(HR, true), RULE, DEFAULT_ALERTING_CONFIG);

function run(holds: boolean[], rule: AlertRule = RULE, stepMs = MINUTE_MS) {
  let state: AlertState | undefined;
  const seen: string[] = [];
  holds.forEach((h, i) => {
    const r = step(state, {
      rule,
      fingerprint: 'f',
      labels: {},
      holds: h,
      evidence,
      nowMs: T0 + i * stepMs,
      resolvedRetentionMs: 15 * MINUTE_MS,
    });
    state = r.state;
    seen.push(`${r.transition}:${state?.status ?? 'inactive'}`);
  });
  return { state, seen };
}

describe('lifecycle (simulated clock, one evaluation a minute)', () => {
  it('goes pending at once and firing exactly when it held for `for`', () => {
    const { seen, state } = run(Array<boolean>(12).fill(true));
    expect(seen[0]).toBe('pending:pending');
    expect(seen.slice(1, 10).every((s) => s === 'none:pending')).toBe(true);
    expect(seen[10]).toBe('firing:firing'); // 10 minutes after the first true evaluation
    expect(state?.firingSinceMs).toBe(T0 + 10 * MINUTE_MS);
    expect(state?.activeSinceMs).toBe(T0);
  });

  it('a pending alert that stops holding is cleared without ever firing', () => {
    const { seen, state } = run([true, true, true, false]);
    expect(seen[3]).toBe('cleared:inactive');
    expect(state).toBeUndefined();
  });

  it('with `for` 0 it fires at the first evaluation', () => {
    expect(run([true], { ...RULE, forMs: 0 }).seen).toEqual(['firing:firing']);
  });

  it('keeps firing for keep_firing_for after it last held, then resolves', () => {
    const holds = [...Array<boolean>(11).fill(true), ...Array<boolean>(31).fill(false)];
    const { seen, state } = run(holds);
    // Last true at minute 10; minutes 11..39 are within 30 minutes of it.
    expect(seen.slice(11, 40).every((s) => s === 'none:firing')).toBe(true);
    expect(seen[40]).toBe('resolved:resolved');
    expect(state?.resolvedAtMs).toBe(T0 + 40 * MINUTE_MS);
  });

  it('holding again within keep_firing_for keeps the same episode', () => {
    const holds = [...Array<boolean>(11).fill(true), false, false, true, false];
    const { state } = run(holds);
    expect(state?.status).toBe('firing');
    expect(state?.firingSinceMs).toBe(T0 + 10 * MINUTE_MS);
    expect(state?.lastTrueMs).toBe(T0 + 13 * MINUTE_MS);
  });

  it('a resolved alert is forgotten after the retention, or starts a new episode when it holds again', () => {
    const rule = { ...RULE, forMs: 0, keepFiringForMs: 0 };
    const forgotten = run([true, false, ...Array<boolean>(15).fill(false)], rule);
    expect(forgotten.seen[1]).toBe('resolved:resolved');
    expect(forgotten.seen[16]).toBe('forgotten:inactive');
    expect(forgotten.seen[15]).toBe('none:resolved');
    const again = run([true, false, true], rule);
    expect(again.seen[2]).toBe('firing:firing');
    expect(again.state?.firingSinceMs).toBe(T0 + 2 * MINUTE_MS);
    expect(again.state?.resolvedAtMs).toBeUndefined();
  });
});
