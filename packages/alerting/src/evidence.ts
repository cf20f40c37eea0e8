import type { AlertingConfig, AlertRule } from './config.ts';
import { scopeKeyOf, scopeOfLabels } from './fingerprint.ts';
import { quoteIdentifier } from './payloads/markup.ts';
import type { AlertScope, Evidence, Observation } from './types.ts';

const DAY_MS = 86_400_000;

/**
 * The scope's page on the dashboard (services/dashboard, hash routes): `<base>/#/mesh`,
 * `<base>/#/domain/<d>`, `<base>/#/product/<d>/<p>`.
 */
export function dashboardUrlOf(baseUrl: string, scope: AlertScope): string {
  const base = `${baseUrl.replace(/\/+$/, '')}/#`;
  if (scope.kind === 'mesh') return `${base}/mesh`;
  const domain = encodeURIComponent(scope.domain ?? '');
  return scope.kind === 'domain'
    ? `${base}/domain/${domain}`
    : `${base}/product/${domain}/${encodeURIComponent(scope.productId ?? '')}`;
}

/** What every notification about this observation carries: rule, values, last event, trend, movers, link. */
export function evidenceOf(observation: Observation, rule: AlertRule, config: AlertingConfig): Evidence {
  const o = observation;
  return {
    rule: rule.name,
    ...(o.reason === undefined ? {} : { stallReason: o.reason }),
    // Every rule that holds with its value and threshold, as the processor wrote them (`stallFindings`).
    findings: o.findings ?? [],
    momentum: o.momentum,
    trend7: o.trend7,
    trend30: o.trend30,
    ...(o.lastMomentumEventMs === undefined
      ? {}
      : {
          lastMomentumEventMs: o.lastMomentumEventMs,
          silenceDays: Math.floor((o.asOfMs - o.lastMomentumEventMs) / DAY_MS),
        }),
    ...(o.stalledSinceMs === undefined ? {} : { stalledSinceMs: o.stalledSinceMs }),
    topEvents: (o.topEvents ?? []).slice(0, config.topEvents),
    dashboardUrl: dashboardUrlOf(config.dashboardBaseUrl, o.scope),
    asOfMs: o.asOfMs,
  };
}

/** The scope in a sentence; its ids quoted (producers choose them, see payloads/markup.ts). */
function scopeName(labels: Readonly<Record<string, string>>): string {
  if (labels['scope_kind'] === 'mesh') return 'the mesh';
  const domain = quoteIdentifier(labels['domain'] ?? '');
  if (labels['scope_kind'] === 'domain') return `domain ${domain}`;
  return `data product ${quoteIdentifier(labels['product'] ?? '')} (${domain})`;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** The annotations of an alert resolved because its scope was paused: who paused it, until when, why. */
function pausedAnnotations(
  labels: Readonly<Record<string, string>>,
  evidence: Evidence,
  pause: NonNullable<Evidence['pause']>,
): Record<string, string> {
  const until =
    pause.untilMs === undefined ? 'until resumed' : `until ${new Date(pause.untilMs).toISOString()}`;
  const of =
    pause.scopeKey === scopeKeyOf(scopeOfLabels(labels))
      ? ''
      : ` (the pause of ${quoteIdentifier(pause.scopeKey)})`;
  const reason = quoteIdentifier(pause.reason);
  return {
    summary: `Momentum of ${scopeName(labels)} not judged: paused (${reason})`,
    description:
      `Paused by ${quoteIdentifier(pause.createdBy)} since ${new Date(pause.sinceMs).toISOString()}, ${until}${of}: ${reason}. ` +
      'A paused scope does not alert; this alert is resolved, and the scope is judged afresh when the pause ends.',
    stall_reason: evidence.stallReason ?? '',
    exemption: 'paused',
    paused_by: pause.createdBy,
    momentum: String(round1(evidence.momentum)),
    trend30: String(round1(evidence.trend30)),
    dashboard_url: evidence.dashboardUrl,
  };
}

/** Alertmanager-style annotations: a one-line summary, a description with the evidence, the link. */
export function annotationsOf(
  labels: Readonly<Record<string, string>>,
  evidence: Evidence,
): Record<string, string> {
  if (evidence.exemption === 'paused' && evidence.pause)
    return pausedAnnotations(labels, evidence, evidence.pause);
  const last =
    evidence.lastMomentumEventMs === undefined
      ? 'no momentum-building event on record'
      : `last momentum-building event ${new Date(evidence.lastMomentumEventMs).toISOString()} (${evidence.silenceDays ?? 0} days before the score)`;
  const findings =
    evidence.findings
      .map((f) => `${f.rule} (${round1(f.value)} vs threshold ${round1(f.threshold)})`)
      .join(', ') || evidence.stallReason;
  const movers = evidence.topEvents
    .map(
      (e) =>
        `${e.type} ${quoteIdentifier(e.id)} (${new Date(e.timeMs).toISOString().slice(0, 10)}, weight ${round1(e.weight)})`,
    )
    .join('; ');
  return {
    summary: `Momentum of ${scopeName(labels)} stalled${evidence.stallReason ? `: ${evidence.stallReason}` : ''}`,
    description:
      `Stall rules that hold: ${findings || 'none now'}. Momentum ${round1(evidence.momentum)}/100, ` +
      `trend ${round1(evidence.trend7)} over 7 days and ${round1(evidence.trend30)} over 30 days; ${last}.` +
      (movers ? ` Top events: ${movers}.` : ''),
    stall_reason: evidence.stallReason ?? '',
    momentum: String(round1(evidence.momentum)),
    trend30: String(round1(evidence.trend30)),
    ...(evidence.stalledSinceMs === undefined
      ? {}
      : { stalled_since: new Date(evidence.stalledSinceMs).toISOString() }),
    dashboard_url: evidence.dashboardUrl,
  };
}
