import type { AlertingConfig } from '../config.ts';
import { annotationsOf } from '../evidence.ts';
import { silencesMatching, type CompiledSilence } from '../silences.ts';
import type { AlertState } from '../types.ts';

/** One element of the body of Alertmanager's `POST /api/v2/alerts` (its `postableAlert`). */
export interface PostableAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  /** RFC 3339. */
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL: string;
}

/**
 * How far ahead a firing alert's `endsAt` lies, in resend periods. Prometheus uses 4 × its resend delay:
 * Alertmanager keeps the alert active while re-posts keep coming, and resolves it on its own, at that
 * time, if the alerter dies.
 */
export const ENDS_AT_RESEND_PERIODS = 4;

/**
 * The alerts to post to Alertmanager now: every firing alert not under one of our silences (with
 * `endsAt` in the future), and every resolved one still retained (with `endsAt` = its resolution),
 * re-posted each `alertmanagerResendMs` so Alertmanager has them even after its own restart.
 */
export function alertmanagerAlerts(
  states: Iterable<AlertState>,
  silences: readonly CompiledSilence[],
  nowMs: number,
  config: AlertingConfig,
): PostableAlert[] {
  const out: PostableAlert[] = [];
  for (const s of states) {
    if (s.firingSinceMs === undefined) continue; // pending: nothing to say yet
    let endsAtMs: number;
    if (s.status === 'firing') {
      if (silencesMatching(s.labels, silences, nowMs).length > 0) continue;
      endsAtMs = nowMs + ENDS_AT_RESEND_PERIODS * config.alertmanagerResendMs;
    } else if (s.status === 'resolved' && s.resolvedAtMs !== undefined) {
      endsAtMs = s.resolvedAtMs;
    } else continue;
    out.push({
      labels: { ...s.labels },
      annotations: annotationsOf(s.labels, s.evidence),
      startsAt: new Date(s.firingSinceMs).toISOString(),
      endsAt: new Date(endsAtMs).toISOString(),
      generatorURL: s.evidence.dashboardUrl,
    });
  }
  return out.sort((a, b) => (a.startsAt < b.startsAt ? -1 : a.startsAt > b.startsAt ? 1 : 0));
}
