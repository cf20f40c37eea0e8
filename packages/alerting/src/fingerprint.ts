import { createHash } from 'node:crypto';
import type { AlertRule } from './config.ts';
import type { AlertScope, ScopeKind } from './types.ts';

/**
 * The identity labels of an alert: rule and scope only. Values that change while the alert fires
 * (reason, momentum) are annotations, so the fingerprint, and Alertmanager's, stays the same.
 */
export function alertLabels(rule: AlertRule, scope: AlertScope): Record<string, string> {
  const labels: Record<string, string> = {
    alertname: rule.name,
    severity: rule.severity,
    scope_kind: scope.kind,
    service: 'mesh-momentum',
  };
  if (scope.domain !== undefined) labels['domain'] = scope.domain;
  if (scope.productId !== undefined) labels['product'] = scope.productId;
  if (scope.ownerTeam !== undefined) labels['owner_team'] = scope.ownerTeam;
  return labels;
}

/**
 * 16 hex digits of SHA-256 over the sorted `name=value` pairs of the identity labels (rule and scope;
 * severity and owner team are left out so changing them does not start a new alert).
 */
export function fingerprintOf(rule: AlertRule, scope: AlertScope): string {
  const identity: Record<string, string> = { alertname: rule.name, scope_kind: scope.kind };
  if (scope.domain !== undefined) identity['domain'] = scope.domain;
  if (scope.productId !== undefined) identity['product'] = scope.productId;
  const text = Object.keys(identity)
    .sort()
    .map((k) => `${k}=${identity[k] as string}`)
    .join('\u0000');
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);
}

/** Stable scope id for keys and logs: `mesh`, `domain:<d>`, `product:<d>/<p>`. */
export function scopeKeyOf(scope: AlertScope): string {
  if (scope.kind === 'mesh') return 'mesh';
  if (scope.kind === 'domain') return `domain:${scope.domain ?? ''}`;
  return `product:${scope.domain ?? ''}/${scope.productId ?? ''}`;
}

const KINDS: readonly ScopeKind[] = ['mesh', 'domain', 'product'];

/** The scope an alert is about, from its identity labels. */
export function scopeOfLabels(labels: Readonly<Record<string, string>>): AlertScope {
  const kind = KINDS.find((k) => k === labels['scope_kind']) ?? 'mesh';
  if (kind === 'mesh') return { kind };
  const domain = labels['domain'] ?? '';
  const ownerTeam = labels['owner_team'];
  const withTeam = ownerTeam === undefined ? {} : { ownerTeam };
  return kind === 'domain'
    ? { kind, domain, ...withTeam }
    : { kind, domain, productId: labels['product'] ?? '', ...withTeam };
}
