/** The read API's answers as the UI uses them (services/dashboard/src/views.ts and detail.ts). */
export interface ScopeView {
  id: string;
  kind: 'mesh' | 'domain' | 'product';
  domain?: string;
  productId?: string;
  asOfMs: number;
  momentum: number;
  value: number;
  momentumTrend7: number;
  momentumTrend30: number;
  valueTrend30: number;
  quadrant: string;
  stalled: boolean;
  stallReason?: string;
  lastEventMs?: number;
  lastPositiveEventMs?: number;
  eventCount: number;
  consumers: number;
  /** Data products only: the team of its latest publication (absent when never published). */
  ownerTeam?: string;
}

/** The alerter's state of one scope (services/dashboard/src/alerts.ts `ScopeAlert`). */
export type AlertBadge = 'firing' | 'pending' | 'silenced' | 'paused';
export interface SilenceNote {
  id: string;
  comment: string;
  createdBy: string;
  startsAtMs: number;
  endsAtMs: number;
}
export interface PauseNote {
  scopeKey: string;
  reason: string;
  createdBy: string;
  sinceMs: number;
  untilMs?: number;
}
export interface ScopeAlert {
  state: 'inactive' | 'pending' | 'firing' | 'resolved';
  badge?: AlertBadge;
  fingerprint?: string;
  sinceMs?: number;
  rule?: string;
  stallReason?: string;
  silence?: SilenceNote;
  pause?: PauseNote;
  evidence?: {
    findings: { rule: string; value: number; threshold: number }[];
    momentum: number;
    trend30: number;
    silenceDays?: number;
    asOfMs: number;
  };
}
export interface AlertingStatus {
  running: boolean;
  invalid: Record<'alerts' | 'silences' | 'pauses', { id: string; reason: string }[]>;
}
export interface AlertRow extends Omit<ScopeAlert, 'state' | 'evidence'> {
  fingerprint: string;
  scope: string;
  kind: 'mesh' | 'domain' | 'product';
  domain?: string;
  productId?: string;
  ownerTeam?: string;
  state: 'pending' | 'firing' | 'resolved';
  sinceMs: number;
  rule: string;
  silencedBy: string[];
}
export interface SilenceRow extends SilenceNote {
  matchers: string[];
  status: 'pending' | 'active' | 'expired';
  silencing: number;
}
export interface PauseRow {
  scope: string;
  reason: string;
  createdBy: string;
  createdAtMs: number;
  untilMs?: number;
  active: boolean;
}

export interface Overview {
  generation: number;
  mesh?: ScopeView;
  domains: ScopeView[];
  totals: { domains: number; products: number; stalledDomains: number; stalledProducts: number };
  thresholds: {
    momentumThreshold: Record<string, number>;
    valueThreshold: Record<string, number>;
  };
}

export interface HistoryPoint {
  dayMs: number;
  momentum: number;
  value: number;
}
export interface ForecastRow {
  timeMs: number;
  low: number;
  median: number;
  high: number;
}
export interface Mover {
  id: string;
  type: string;
  timeMs: number;
  weight: number;
  contribution: number;
}
export interface TargetView {
  metric: 'momentum' | 'value';
  level: number;
  dateMs: number;
  status: string;
  probability: number;
  expectedScore: number;
}
export interface Detail {
  scope: ScopeView;
  history: HistoryPoint[];
  forecast: { momentum: ForecastRow[]; value: ForecastRow[] };
  targets: TargetView[];
  movers: { momentum: Mover[]; value: Mover[] };
  alert?: ScopeAlert;
}

export interface Page<T> {
  total: number;
  offset: number;
  limit: number;
  items: T[];
}

/** An owner team's figures (services/dashboard/src/teams.ts). */
export interface TeamSummary {
  team: string;
  products: number;
  domains: string[];
  momentumMean: number;
  momentumMedian: number;
  valueMean: number;
  valueMedian: number;
  quadrants: Record<'thriving' | 'hype' | 'grind' | 'stalled', number>;
  stalled: number;
  atRisk: number;
  eventCount: number;
  lastPositiveEventMs?: number;
}

export interface TeamDetail {
  team: TeamSummary;
  products: Page<ScopeView>;
  history: HistoryPoint[];
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { message?: string };
    throw new Error(body.message ?? `${res.status} ${res.statusText}`);
  }
  return (await res.json()) as T;
}

/** The admin token given on the target form, kept for this tab only (sessionStorage, never on disk). */
const TOKEN_KEY = 'mm-admin-token';
export const adminToken = {
  get: (): string => sessionStorage.getItem(TOKEN_KEY) ?? '',
  set: (token: string): void => {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
};

/** Sets a target; with the admin token when one was given (a dashboard with tokens refuses writes without). */
export async function putTarget(
  scope: string,
  body: { metric: string; level: number; date: string },
): Promise<void> {
  const token = adminToken.get();
  const res = await fetch(`/api/targets?scope=${encodeURIComponent(scope)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (res.status === 401) throw new Error('an admin token is needed to set targets here (enter it above)');
  if (!res.ok) throw new Error(((await res.json()) as { message?: string }).message ?? 'refused');
}

export function detailUrl(v: Pick<ScopeView, 'kind' | 'domain' | 'productId'>): string {
  if (v.kind === 'mesh') return '/api/mesh';
  const d = encodeURIComponent(v.domain ?? '');
  return v.kind === 'product'
    ? `/api/domains/${d}/products/${encodeURIComponent(v.productId ?? '')}`
    : `/api/domains/${d}`;
}

export const teamHref = (team: string): string => `#/team/${encodeURIComponent(team)}`;

export function pageHref(v: Pick<ScopeView, 'kind' | 'domain' | 'productId'>): string {
  if (v.kind === 'mesh') return '#/mesh';
  const d = encodeURIComponent(v.domain ?? '');
  return v.kind === 'product' ? `#/product/${d}/${encodeURIComponent(v.productId ?? '')}` : `#/domain/${d}`;
}
