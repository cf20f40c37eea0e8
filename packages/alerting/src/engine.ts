import { ruleFor, type AlertingConfig } from './config.ts';
import { annotationsOf, evidenceOf } from './evidence.ts';
import { alertLabels, fingerprintOf, scopeOfLabels } from './fingerprint.ts';
import { groupNotifications, type Decided } from './grouping.ts';
import { step, type StepInput, type Transition } from './lifecycle.ts';
import { pauseCovering, pauseNoteOf, type Pause } from './pauses.ts';
import { silencesMatching, type CompiledSilence } from './silences.ts';
import type { AlertState, Notification, Observation } from './types.ts';

export interface EvaluationInput {
  /** Every remembered alert, by fingerprint. */
  readonly states: ReadonlyMap<string, AlertState>;
  /** This evaluation's view of every scope; a remembered alert whose scope is absent no longer holds. */
  readonly observations: readonly Observation[];
  /** Compiled once per silence (SilenceCache), not per evaluation. */
  readonly silences: readonly CompiledSilence[];
  /** Paused scopes (a pause covers its scope and the scopes inside it). @defaultValue none */
  readonly pauses?: readonly Pause[];
  readonly nowMs: number;
  readonly config: AlertingConfig;
}

export interface EvaluationResult {
  /** Alerts to write back (changed or not), by fingerprint. */
  readonly states: Map<string, AlertState>;
  /** Fingerprints to delete. */
  readonly forgotten: string[];
  readonly transitions: { readonly fingerprint: string; readonly transition: Transition }[];
  /** What to deliver, one per group; empty most of the time. */
  readonly notifications: Notification[];
}

/**
 * The step input for a scope under a pause: the scope is not judged, so its condition does not hold
 * and a firing alert resolves at once (no `keep_firing_for`), its evidence saying it was paused; a
 * pending one is cleared, and none starts.
 */
function paused(input: StepInput, pause: Pause): StepInput {
  return {
    ...input,
    rule: { ...input.rule, keepFiringForMs: 0 },
    holds: false,
    evidence: { ...input.evidence, exemption: 'paused', pause: pauseNoteOf(pause) },
  };
}

/**
 * One evaluation of every rule over every scope: advances each alert's lifecycle and decides the
 * notifications. A paused scope (`pauses`) never goes pending or firing; a firing alert of a scope that
 * gets paused is resolved, once, its resolution saying so.
 * - firing (newly, or when a silence that hid it ended) and not silenced → a firing notification;
 * - still firing, not silenced, `repeatIntervalMs` since the last one → a repeat;
 * - resolved → a resolved notification iff a firing one was decided for this episode (whoever heard
 *   of it hears it is over, even under a silence; nobody hears of an alert they never heard of).
 */
export function evaluate(input: EvaluationInput): EvaluationResult {
  const { nowMs, config } = input;
  const states = new Map<string, AlertState>();
  const forgotten: string[] = [];
  const transitions: EvaluationResult['transitions'] = [];
  const decided: Decided[] = [];
  const seen = new Set<string>();

  const advance = (previous: AlertState | undefined, next: ReturnType<typeof step>, fingerprint: string) => {
    if (next.transition !== 'none') transitions.push({ fingerprint, transition: next.transition });
    if (next.state === undefined) {
      if (previous) forgotten.push(fingerprint);
      return;
    }
    const notified = decide(next.state, next.transition, input);
    if (notified) {
      decided.push(notified.decided);
      states.set(fingerprint, notified.state);
    } else {
      states.set(fingerprint, next.state);
    }
  };

  for (const observation of input.observations) {
    const rule = ruleFor(config, observation.scope.kind);
    if (!rule) continue;
    const fingerprint = fingerprintOf(rule, observation.scope);
    if (seen.has(fingerprint)) continue;
    seen.add(fingerprint);
    const previous = input.states.get(fingerprint);
    const judged: StepInput = {
      rule,
      fingerprint,
      labels: alertLabels(rule, observation.scope),
      holds: observation.stalled,
      evidence: evidenceOf(observation, rule, config),
      nowMs,
      resolvedRetentionMs: config.resolvedRetentionMs,
    };
    const pause = pauseCovering(observation.scope, input.pauses ?? [], nowMs);
    advance(previous, step(previous, pause ? paused(judged, pause) : judged), fingerprint);
  }

  // Alerts whose scope was not observed (gone from the store, or its rule switched off) stop holding.
  for (const [fingerprint, previous] of input.states) {
    if (seen.has(fingerprint)) continue;
    const rule = config.rules.find((r) => r.name === previous.rule);
    const effective =
      rule && rule.enabled ? rule : { ...(rule ?? offRule(previous.rule)), keepFiringForMs: 0 };
    const unseen: StepInput = {
      rule: effective,
      fingerprint,
      labels: previous.labels,
      holds: false,
      evidence: previous.evidence,
      nowMs,
      resolvedRetentionMs: config.resolvedRetentionMs,
    };
    const pause = pauseCovering(scopeOfLabels(previous.labels), input.pauses ?? [], nowMs);
    advance(previous, step(previous, pause ? paused(unseen, pause) : unseen), fingerprint);
  }

  return {
    states,
    forgotten,
    transitions,
    notifications: groupNotifications(decided, config.groupBy, nowMs),
  };
}

function offRule(name: string) {
  return {
    name,
    scopeKind: 'mesh' as const,
    enabled: false,
    forMs: 0,
    keepFiringForMs: 0,
    severity: 'info' as const,
  };
}

function decide(
  state: AlertState,
  transition: Transition,
  input: EvaluationInput,
): { state: AlertState; decided: Decided } | undefined {
  const { nowMs, config } = input;
  let status: 'firing' | 'resolved' | undefined;
  let repeat = false;
  if (state.status === 'resolved' && transition === 'resolved') {
    if (state.lastNotifiedMs !== undefined) status = 'resolved';
  } else if (
    state.status === 'firing' &&
    silencesMatching(state.labels, input.silences, nowMs).length === 0
  ) {
    if (state.lastNotifiedMs === undefined) status = 'firing';
    else if (nowMs - state.lastNotifiedMs >= config.repeatIntervalMs) {
      status = 'firing';
      repeat = true;
    }
  }
  if (status === undefined) return undefined;
  const sequence = state.notifications + 1;
  const next: AlertState = {
    ...state,
    notifications: sequence,
    ...(status === 'firing' ? { lastNotifiedMs: nowMs } : {}),
  };
  return {
    state: next,
    decided: {
      sequence,
      alert: {
        fingerprint: state.fingerprint,
        status,
        labels: state.labels,
        annotations: annotationsOf(state.labels, state.evidence),
        startsAtMs: state.firingSinceMs ?? state.activeSinceMs,
        ...(status === 'resolved' && state.resolvedAtMs !== undefined
          ? { endsAtMs: state.resolvedAtMs }
          : {}),
        evidence: state.evidence,
        repeat,
      },
    },
  };
}
