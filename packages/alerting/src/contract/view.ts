import { scopeKeyOf, scopeOfLabels } from '../fingerprint.ts';
import { pauseCovering, pauseNoteOf, type Pause } from '../pauses.ts';
import { isActive, silencesMatching, type CompiledSilence } from '../silences.ts';
import type { AlertScope, AlertState, PauseNote } from '../types.ts';

/** What a reader (the dashboard) shows of one alert. */
export interface AlertView {
  readonly fingerprint: string;
  readonly scope: AlertScope;
  /** `mesh`, `domain:<d>`, `product:<d>/<p>`. */
  readonly scopeKey: string;
  readonly state: 'pending' | 'firing' | 'resolved';
  /** Since when it is in that state: pending since, firing since, resolved at; ms since the epoch. */
  readonly sinceMs: number;
  /** The alert rule (`DomainMomentumStalled`, ...) and the stall rule that held first, when known. */
  readonly rule: string;
  readonly stallReason?: string;
  readonly severity?: string;
  /** Ids of the active silences whose matchers match the alert, earliest start first. */
  readonly silencedBy: readonly string[];
  /**
   * The active pause that holds the alert's scope now (its own, its domain's or the mesh's), if any:
   * such an alert is resolved, or being resolved at the next evaluation.
   */
  readonly paused?: PauseNote;
  readonly dashboardUrl: string;
}

function sinceOf(state: AlertState): number {
  if (state.status === 'firing') return state.firingSinceMs ?? state.activeSinceMs;
  if (state.status === 'resolved') return state.resolvedAtMs ?? state.lastTrueMs;
  return state.activeSinceMs;
}

const ORDER = { firing: 0, pending: 1, resolved: 2 } as const;

/**
 * The stored alert states, silences and pauses (parsed with `parseAlertStates`, `parseSilences`,
 * `parsePauses`; silences compiled with `SilenceCache` or `compileSilence`) as a reader shows them at
 * `nowMs`: firing first, then pending, then resolved, each the longest-standing first. The paused scopes
 * themselves (with or without an alert) are `parsePauses`' records, `isPauseActive` at `nowMs`.
 */
export function alertViews(input: {
  readonly states: Iterable<AlertState>;
  readonly silences: readonly CompiledSilence[];
  /** @defaultValue none */
  readonly pauses?: readonly Pause[];
  readonly nowMs: number;
}): AlertView[] {
  const active = input.silences.filter((s) => isActive(s.silence, input.nowMs));
  const views: AlertView[] = [];
  for (const state of input.states) {
    if (state.status === 'inactive') continue;
    const scope = scopeOfLabels(state.labels);
    const severity = state.labels['severity'];
    const pause = pauseCovering(scope, input.pauses ?? [], input.nowMs);
    views.push({
      fingerprint: state.fingerprint,
      scope,
      scopeKey: scopeKeyOf(scope),
      state: state.status,
      sinceMs: sinceOf(state),
      rule: state.rule,
      ...(state.evidence.stallReason === undefined ? {} : { stallReason: state.evidence.stallReason }),
      ...(severity === undefined ? {} : { severity }),
      silencedBy: silencesMatching(state.labels, active, input.nowMs).map((s) => s.id),
      ...(pause === undefined ? {} : { paused: pauseNoteOf(pause) }),
      dashboardUrl: state.evidence.dashboardUrl,
    });
  }
  return views.sort(
    (a, b) =>
      ORDER[a.state] - ORDER[b.state] ||
      a.sinceMs - b.sinceMs ||
      (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0),
  );
}
