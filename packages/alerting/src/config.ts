import type { ScopeKind } from './types.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** One alert rule: "the scope's momentum is stalled" for one kind of scope. */
export interface AlertRule {
  /** `alertname` label. */
  readonly name: string;
  readonly scopeKind: ScopeKind;
  /** Off: the rule never leaves `inactive`. @defaultValue true */
  readonly enabled: boolean;
  /**
   * The stall must hold this long before the alert fires (Prometheus `for`), ms. A stall is judged in
   * days, so this only filters a verdict that flips back at the next event.
   */
  readonly forMs: number;
  /** A firing alert stays firing this long after the stall stops holding (`keep_firing_for`), ms. */
  readonly keepFiringForMs: number;
  /** `severity` label. */
  readonly severity: 'info' | 'warning' | 'critical';
}

export type GroupBy = 'domain' | 'ownerTeam';

export interface AlertingConfig {
  readonly rules: readonly AlertRule[];
  /** A firing alert is notified again after this long without a notification (`repeat_interval`), ms. */
  readonly repeatIntervalMs: number;
  /**
   * `domain`: one notification per domain; `ownerTeam`: per owning team of a product (domain and mesh
   * alerts, which have no owner team, fall back to their domain).
   */
  readonly groupBy: GroupBy;
  /** Resolved alerts are kept (and re-sent to Alertmanager) this long before they are forgotten, ms. */
  readonly resolvedRetentionMs: number;
  /**
   * Firing alerts are re-posted to Alertmanager at least this often, ms; each post says `endsAt` =
   * now + 4 × this, as Prometheus does, so Alertmanager resolves them itself if the alerter dies.
   */
  readonly alertmanagerResendMs: number;
  /** Base URL of the dashboard (services/dashboard); a scope's page is `<base>/#/domain/<d>`, `<base>/#/product/<d>/<p>` or `<base>/#/mesh`. */
  readonly dashboardBaseUrl: string;
  /** Events listed as evidence. */
  readonly topEvents: number;
}

/** Every default in one object (docs/alerter.md lists them). */
export const DEFAULT_ALERTING_CONFIG: AlertingConfig = {
  rules: [
    // A domain's stall is what a programme lead acts on: warning, fire at once (the verdict is in days).
    {
      name: 'DomainMomentumStalled',
      scopeKind: 'domain',
      enabled: true,
      forMs: 10 * MINUTE_MS,
      keepFiringForMs: 6 * HOUR_MS,
      severity: 'warning',
    },
    {
      name: 'ProductMomentumStalled',
      scopeKind: 'product',
      enabled: true,
      forMs: 10 * MINUTE_MS,
      keepFiringForMs: 6 * HOUR_MS,
      severity: 'info',
    },
    {
      name: 'MeshMomentumStalled',
      scopeKind: 'mesh',
      enabled: true,
      forMs: 10 * MINUTE_MS,
      keepFiringForMs: 6 * HOUR_MS,
      severity: 'critical',
    },
  ],
  repeatIntervalMs: 24 * HOUR_MS,
  groupBy: 'domain',
  resolvedRetentionMs: 15 * MINUTE_MS,
  alertmanagerResendMs: MINUTE_MS,
  dashboardBaseUrl: 'http://127.0.0.1:8090',
  topEvents: 5,
};

export function ruleFor(config: AlertingConfig, kind: ScopeKind): AlertRule | undefined {
  return config.rules.find((r) => r.scopeKind === kind && r.enabled);
}
