import { DEFAULT_ALERTING_CONFIG, type AlertingConfig } from './config.ts';
import { evaluate, type EvaluationResult } from './engine.ts';
import type { Pause } from './pauses.ts';
import { SilenceCache, type Silence } from './silences.ts';
import type { AlertScope, AlertState, Notification, Observation } from './types.ts';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const T0 = Date.UTC(2026, 5, 1);

export const HR: AlertScope = { kind: 'domain', domain: 'hr' };
export const PAYROLL: AlertScope = {
  kind: 'product',
  domain: 'hr',
  productId: 'hr.payroll',
  ownerTeam: 'hr-data',
};

export function obs(scope: AlertScope, stalled: boolean, asOfMs = T0): Observation {
  return {
    scope,
    stalled,
    ...(stalled
      ? {
          reason: 'inactivity',
          findings: [{ rule: 'inactivity', value: 30, threshold: 21 }],
          stalledSinceMs: asOfMs - 9 * DAY_MS,
        }
      : {}),
    momentum: stalled ? 8 : 60,
    trend7: stalled ? -3 : 2,
    trend30: stalled ? -12 : 5,
    lastMomentumEventMs: asOfMs - 30 * DAY_MS,
    asOfMs,
    topEvents: [
      { id: 'e1', source: 'urn:test', type: 'ChampionLost', timeMs: asOfMs - 40 * DAY_MS, weight: -8 },
    ],
  };
}

/**
 * A simulated alerter: keeps the states between evaluations like Redis would, advances a simulated
 * clock, and records every notification.
 */
export class SimulatedAlerter {
  states = new Map<string, AlertState>();
  silences: Silence[] = [];
  pauses: Pause[] = [];
  readonly #silenceCache = new SilenceCache();
  sent: Notification[] = [];
  nowMs = T0;
  last: EvaluationResult | undefined;

  readonly config: AlertingConfig;

  constructor(config: AlertingConfig = DEFAULT_ALERTING_CONFIG) {
    this.config = config;
  }

  tick(observations: readonly Observation[], advanceMs = MINUTE_MS): Notification[] {
    const result = evaluate({
      states: this.states,
      observations,
      silences: this.#silenceCache.compile(this.silences),
      pauses: this.pauses,
      nowMs: this.nowMs,
      config: this.config,
    });
    this.states = new Map(result.states);
    this.sent.push(...result.notifications);
    this.last = result;
    this.nowMs += advanceMs;
    return result.notifications;
  }

  /** Evaluates every `stepMs` for `durationMs` with the same observations; returns what was sent. */
  run(observations: () => readonly Observation[], durationMs: number, stepMs = MINUTE_MS): Notification[] {
    const out: Notification[] = [];
    for (let t = 0; t < durationMs; t += stepMs) out.push(...this.tick(observations(), stepMs));
    return out;
  }
}
