import type { SilenceCache } from '@mesh-momentum/alerting';
import {
  alertViews,
  isPauseActive,
  parseAlertStates,
  parsePauses,
  parseSilences,
  pauseCovering,
  pauseNoteOf,
  type AlertScope,
  type AlertState,
  type AlertView,
  type Finding,
  type InvalidRecord,
  type Matcher,
  type Pause,
  type PauseNote,
  type Silence,
} from '@mesh-momentum/alerting';
import type { ScopeView } from './views.ts';

/**
 * The alerter's state as the dashboard shows it (pure): what `store-access` read from the alert-state
 * contract's keys (`alerterKeys`), parsed with the contract's parsers and mapped with its `alertViews`
 * at one instant. The dashboard never writes any of it: the alerter's API is the only writer.
 */

/** What one refresh read of the alerter's keys (HGETALL of each hash, GET of the lease). */
export interface AlerterHashes {
  readonly alerts: Readonly<Record<string, string>>;
  readonly silences: Readonly<Record<string, string>>;
  readonly pauses: Readonly<Record<string, string>>;
  /** The instance holding the notifier lease, if any (a running alerter renews it every TTL/3). */
  readonly leaseHolder: string | null;
}

/**
 * The badge a scope wears: `paused` (a pause holds it: not judged), `silenced` (pending or firing, under
 * an active silence: tracked, nobody told), else `firing` or `pending`. None when inactive or resolved.
 */
export type AlertBadge = 'firing' | 'pending' | 'silenced' | 'paused';

/** The silence that silences an alert, as a list row or a scope page shows it. */
export interface SilenceNote {
  readonly id: string;
  readonly comment: string;
  readonly createdBy: string;
  readonly startsAtMs: number;
  readonly endsAtMs: number;
}

/** One alert (one rule × one scope) as `/api/alerts` lists it. */
export interface AlertRow {
  readonly fingerprint: string;
  /** The dashboard's scope id: `mesh`, `domain:<d>`, `product:<d>/<p>` (the contract's scope key). */
  readonly scope: string;
  readonly kind: AlertScope['kind'];
  readonly domain: string | undefined;
  readonly productId: string | undefined;
  readonly ownerTeam: string | undefined;
  readonly state: AlertView['state'];
  /** Since when it is in that state (pending since, firing since, resolved at), ms since the epoch. */
  readonly sinceMs: number;
  readonly rule: string;
  readonly stallReason: string | undefined;
  readonly severity: string | undefined;
  /** Ids of the active silences that match it, earliest start first. */
  readonly silencedBy: readonly string[];
  /** The first of those silences. */
  readonly silence: SilenceNote | undefined;
  /** The active pause that holds its scope (its own, its domain's or the mesh's). */
  readonly pause: PauseNote | undefined;
  readonly badge: AlertBadge | undefined;
  /** The scope's dashboard page, as the alerter's evidence links it. */
  readonly dashboardUrl: string;
}

/** A scope's alert state, as the stalled list and the scope pages carry it (`alert`). */
export interface ScopeAlert {
  /** `inactive`: the alerter has no pending, firing or resolved alert for the scope. */
  readonly state: 'inactive' | AlertView['state'];
  readonly badge: AlertBadge | undefined;
  readonly fingerprint?: string;
  readonly sinceMs?: number;
  readonly rule?: string;
  readonly stallReason?: string;
  readonly silence?: SilenceNote;
  readonly pause?: PauseNote;
}

/** What a scope page adds: the evidence the alerter recorded with the alert. */
export interface ScopeAlertDetail extends ScopeAlert {
  readonly evidence?: {
    readonly findings: readonly Finding[];
    readonly momentum: number;
    readonly trend30: number;
    readonly silenceDays: number | undefined;
    readonly lastMomentumEventMs: number | undefined;
    readonly asOfMs: number;
  };
}

export type SilenceStatus = 'pending' | 'active' | 'expired';

/** One silence as `/api/silences` lists it. */
export interface SilenceRow extends SilenceNote {
  /** `domain=hr`, `product=~hr\..*`, … (Alertmanager's notation). */
  readonly matchers: readonly string[];
  readonly status: SilenceStatus;
  /** Alerts it silences now. */
  readonly silencing: number;
}

/** One pause as `/api/pauses` lists it. */
export interface PauseRow {
  readonly scope: string;
  readonly reason: string;
  readonly createdBy: string;
  readonly createdAtMs: number;
  readonly untilMs: number | undefined;
  readonly active: boolean;
}

/** Whether an alerter is running, and what was left unread. */
export interface AlertingStatus {
  /** An alerter holds the notifier lease (a running one renews it; it lapses within its TTL after the last stops). */
  readonly running: boolean;
  /** Stored records the contract's parsers refused (written around the alerter), by hash. */
  readonly invalid: {
    readonly alerts: readonly InvalidRecord[];
    readonly silences: readonly InvalidRecord[];
    readonly pauses: readonly InvalidRecord[];
  };
}

/** Everything the dashboard shows of alerting, as of one refresh. */
export interface AlertBoard {
  readonly status: AlertingStatus;
  /** Firing first, then pending, then resolved (the contract's order). */
  readonly alerts: readonly AlertRow[];
  readonly silences: readonly SilenceRow[];
  readonly pauses: readonly PauseRow[];
  /** The most pressing alert of each scope (firing over pending over resolved), by scope id. */
  readonly byScope: ReadonlyMap<string, AlertRow>;
  /** The stored states, by fingerprint (a scope page's evidence). */
  readonly states: ReadonlyMap<string, AlertState>;
  /** The pauses in force (a scope without an alert may be paused). */
  readonly activePauses: readonly Pause[];
  /** The instant the board was mapped at (silences and pauses active then), ms since the epoch. */
  readonly asOfMs: number;
  /** Changes whenever anything above changes (what bumps the snapshot generation). */
  readonly version: string;
}

export const EMPTY_ALERT_BOARD: AlertBoard = {
  status: { running: false, invalid: { alerts: [], silences: [], pauses: [] } },
  alerts: [],
  silences: [],
  pauses: [],
  byScope: new Map(),
  states: new Map(),
  activePauses: [],
  asOfMs: 0,
  version: '',
};

/** `=`, `!=`, `=~`, `!~`, as `parseMatcher` reads them. */
const OPERATORS = { eq: '=', ne: '!=', re: '=~', nre: '!~' } as const;
const matcherText = (m: Matcher) =>
  `${m.name}${OPERATORS[m.isRegex ? (m.isEqual ? 're' : 'nre') : m.isEqual ? 'eq' : 'ne']}${m.value}`;

const noteOf = (s: Silence): SilenceNote => ({
  id: s.id,
  comment: s.comment,
  createdBy: s.createdBy,
  startsAtMs: s.startsAtMs,
  endsAtMs: s.endsAtMs,
});

function badgeOf(state: AlertView['state'], silenced: boolean, paused: boolean): AlertBadge | undefined {
  if (paused) return 'paused';
  if (state === 'resolved') return undefined;
  return silenced ? 'silenced' : state;
}

/**
 * The board at `nowMs` from what one refresh read. `silenceCache` keeps compiled silences between
 * refreshes (each compiled once); a stored silence whose pattern does not compile is left out of the
 * matching and reported among `invalid`.
 */
export function alertBoardOf(hashes: AlerterHashes, nowMs: number, silenceCache: SilenceCache): AlertBoard {
  const states = parseAlertStates(hashes.alerts);
  const silences = parseSilences(hashes.silences);
  const pauses = parsePauses(hashes.pauses);
  const uncompiled: InvalidRecord[] = [];
  const compiled = silenceCache.compile(silences.records, (silence, error) =>
    uncompiled.push({ id: silence.id, reason: `matchers: ${(error as Error).message}` }),
  );
  const silenceById = new Map(silences.records.map((s) => [s.id, s]));
  const views = alertViews({ states: states.records, silences: compiled, pauses: pauses.records, nowMs });
  const alerts: AlertRow[] = views.map((v) => {
    const first = v.silencedBy[0] === undefined ? undefined : silenceById.get(v.silencedBy[0]);
    return {
      fingerprint: v.fingerprint,
      scope: v.scopeKey,
      kind: v.scope.kind,
      domain: v.scope.domain,
      productId: v.scope.productId,
      ownerTeam: v.scope.ownerTeam,
      state: v.state,
      sinceMs: v.sinceMs,
      rule: v.rule,
      stallReason: v.stallReason,
      severity: v.severity,
      silencedBy: v.silencedBy,
      silence: first === undefined ? undefined : noteOf(first),
      pause: v.paused,
      badge: badgeOf(v.state, v.silencedBy.length > 0, v.paused !== undefined),
      dashboardUrl: v.dashboardUrl,
    };
  });
  const byScope = new Map<string, AlertRow>();
  // Views come firing first, then pending, then resolved: the first per scope is its most pressing.
  for (const row of alerts) if (!byScope.has(row.scope)) byScope.set(row.scope, row);

  const silencing = new Map<string, number>();
  for (const row of alerts) for (const id of row.silencedBy) silencing.set(id, (silencing.get(id) ?? 0) + 1);
  const silenceRows: SilenceRow[] = silences.records.map((s) => ({
    ...noteOf(s),
    matchers: s.matchers.map(matcherText),
    status: nowMs < s.startsAtMs ? 'pending' : nowMs < s.endsAtMs ? 'active' : 'expired',
    silencing: silencing.get(s.id) ?? 0,
  }));
  const pauseRows: PauseRow[] = pauses.records.map((p) => ({
    scope: p.scopeKey,
    reason: p.reason,
    createdBy: p.createdBy,
    createdAtMs: p.createdAtMs,
    untilMs: p.untilMs,
    active: isPauseActive(p, nowMs),
  }));
  const status: AlertingStatus = {
    running: hashes.leaseHolder !== null,
    invalid: {
      alerts: states.invalid,
      silences: [...silences.invalid, ...uncompiled],
      pauses: pauses.invalid,
    },
  };
  return {
    status,
    alerts,
    silences: silenceRows,
    pauses: pauseRows,
    byScope,
    states: new Map(states.records.map((s) => [s.fingerprint, s])),
    activePauses: pauses.records.filter((p) => isPauseActive(p, nowMs)),
    asOfMs: nowMs,
    // The mapped rows, not the stored JSON: an alert re-evaluated without a visible change (its
    // lastTrueMs moved) is no change to a viewer, while a silence that ended is one.
    version: JSON.stringify([status, alerts, silenceRows, pauseRows]),
  };
}

/** A dashboard scope as the contract's scope (for the pause that covers it). */
function alertScopeOf(view: Pick<ScopeView, 'kind' | 'domain' | 'productId'>): AlertScope {
  if (view.kind === 'mesh') return { kind: 'mesh' };
  return view.kind === 'domain'
    ? { kind: 'domain', domain: view.domain ?? '' }
    : { kind: 'product', domain: view.domain ?? '', productId: view.productId ?? '' };
}

const INACTIVE: ScopeAlert = { state: 'inactive', badge: undefined };

/** A scope's alert state: its most pressing alert, or the pause that holds it, or inactive. */
export function scopeAlertOf(
  board: AlertBoard,
  view: Pick<ScopeView, 'id' | 'kind' | 'domain' | 'productId'>,
): ScopeAlert {
  const row = board.byScope.get(view.id);
  if (row) {
    return {
      state: row.state,
      badge: row.badge,
      fingerprint: row.fingerprint,
      sinceMs: row.sinceMs,
      rule: row.rule,
      ...(row.stallReason === undefined ? {} : { stallReason: row.stallReason }),
      ...(row.silence === undefined ? {} : { silence: row.silence }),
      ...(row.pause === undefined ? {} : { pause: row.pause }),
    };
  }
  if (board.activePauses.length === 0) return INACTIVE;
  const pause = pauseCovering(alertScopeOf(view), board.activePauses, board.asOfMs);
  return pause === undefined ? INACTIVE : { state: 'inactive', badge: 'paused', pause: pauseNoteOf(pause) };
}

/** A scope page's alert: the state above and the evidence recorded with the alert. */
export function scopeAlertDetailOf(
  board: AlertBoard,
  view: Pick<ScopeView, 'id' | 'kind' | 'domain' | 'productId'>,
): ScopeAlertDetail {
  const alert = scopeAlertOf(board, view);
  const state = alert.fingerprint === undefined ? undefined : board.states.get(alert.fingerprint);
  if (!state) return alert;
  const e = state.evidence;
  return {
    ...alert,
    evidence: {
      findings: e.findings,
      momentum: e.momentum,
      trend30: e.trend30,
      silenceDays: e.silenceDays,
      lastMomentumEventMs: e.lastMomentumEventMs,
      asOfMs: e.asOfMs,
    },
  };
}

export const ALERT_STATE_FILTERS = ['pending', 'firing', 'resolved'] as const;

export interface AlertListQuery {
  readonly state?: AlertView['state'] | undefined;
  readonly domain?: string | undefined;
  readonly limit: number;
  readonly offset: number;
}

/** Filters and slices the board's alerts (kept in the contract's order). */
export function listAlerts(board: AlertBoard, query: AlertListQuery) {
  const filtered = board.alerts.filter(
    (a) =>
      (query.state === undefined || a.state === query.state) &&
      (query.domain === undefined || a.domain === query.domain),
  );
  return {
    total: filtered.length,
    offset: query.offset,
    limit: query.limit,
    items: filtered.slice(query.offset, query.offset + query.limit),
  };
}

/** An alert row flattened for CSV (silence and pause as their id/scope, comment and author). */
export function alertCsvRow(a: AlertRow) {
  return {
    ...a,
    silencedBy: a.silencedBy.join(' '),
    silenceComment: a.silence?.comment,
    silenceCreatedBy: a.silence?.createdBy,
    silenceEndsAtMs: a.silence?.endsAtMs,
    pausedScope: a.pause?.scopeKey,
    pauseReason: a.pause?.reason,
    pauseCreatedBy: a.pause?.createdBy,
    pauseUntilMs: a.pause?.untilMs,
  };
}

export const ALERT_CSV_COLUMNS = [
  'fingerprint',
  'scope',
  'kind',
  'domain',
  'productId',
  'ownerTeam',
  'state',
  'badge',
  'sinceMs',
  'rule',
  'stallReason',
  'severity',
  'silencedBy',
  'silenceComment',
  'silenceCreatedBy',
  'silenceEndsAtMs',
  'pausedScope',
  'pauseReason',
  'pauseCreatedBy',
  'pauseUntilMs',
] as const satisfies readonly (keyof ReturnType<typeof alertCsvRow>)[];
