import type { AlertRule } from './config.ts';
import type { AlertState, Evidence } from './types.ts';

/** What changed at one evaluation of one alert. */
export type Transition = 'none' | 'pending' | 'firing' | 'resolved' | 'forgotten' | 'cleared';

export interface StepResult {
  /** Undefined when the alert is forgotten (inactive, nothing left to remember). */
  readonly state: AlertState | undefined;
  readonly transition: Transition;
}

export interface StepInput {
  readonly rule: AlertRule;
  readonly fingerprint: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Whether the condition (the scope is stalled) holds at this evaluation. */
  readonly holds: boolean;
  readonly evidence: Evidence;
  readonly nowMs: number;
  /** How long a resolved alert is kept before it is forgotten, ms. */
  readonly resolvedRetentionMs: number;
}

/**
 * One evaluation of one alert, Prometheus' rule semantics:
 * - inactive → pending when the condition holds (firing at once when `for` is 0);
 * - pending → firing once it held for `for`; pending → inactive ("cleared") when it stops holding;
 * - firing stays firing while it holds, and for `keep_firing_for` after it last held (against flapping);
 * - firing → resolved after that; resolved → pending when it holds again (a new episode), and is
 *   forgotten after the retention.
 */
export function step(previous: AlertState | undefined, input: StepInput): StepResult {
  const { rule, holds, nowMs, evidence } = input;
  const status = previous?.status ?? 'inactive';

  if (status === 'inactive' || status === 'resolved') {
    if (!holds) {
      if (previous && nowMs - (previous.resolvedAtMs ?? nowMs) >= input.resolvedRetentionMs) {
        return { state: undefined, transition: 'forgotten' };
      }
      return { state: previous, transition: 'none' };
    }
    const started: AlertState = {
      fingerprint: input.fingerprint,
      rule: rule.name,
      labels: input.labels,
      status: 'pending',
      activeSinceMs: nowMs,
      lastTrueMs: nowMs,
      notifications: previous?.notifications ?? 0,
      evidence,
    };
    if (rule.forMs === 0)
      return { state: { ...started, status: 'firing', firingSinceMs: nowMs }, transition: 'firing' };
    return { state: started, transition: 'pending' };
  }

  const prev = previous as AlertState;
  if (status === 'pending') {
    if (!holds) return { state: undefined, transition: 'cleared' };
    const held = { ...prev, lastTrueMs: nowMs, evidence, labels: input.labels };
    if (nowMs - prev.activeSinceMs >= rule.forMs) {
      return { state: { ...held, status: 'firing', firingSinceMs: nowMs }, transition: 'firing' };
    }
    return { state: held, transition: 'none' };
  }

  // firing
  if (holds)
    return { state: { ...prev, lastTrueMs: nowMs, evidence, labels: input.labels }, transition: 'none' };
  if (nowMs - prev.lastTrueMs < rule.keepFiringForMs) return { state: prev, transition: 'none' };
  return {
    // The evidence of the latest observation: it says the scope moved again.
    state: { ...prev, status: 'resolved', resolvedAtMs: nowMs, evidence },
    transition: 'resolved',
  };
}
