import { describe, expect, it } from 'vitest';
import {
  alerterKeys,
  SilenceCache,
  type AlertState,
  type Pause,
  type Silence,
} from '@mesh-momentum/alerting';
import {
  alertBoardOf,
  alertCsvRow,
  EMPTY_ALERT_BOARD,
  listAlerts,
  scopeAlertDetailOf,
  scopeAlertOf,
  type AlerterHashes,
} from './alerts.ts';
import { alertChanges } from './snapshot.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const T0 = Date.parse('2026-06-01T00:00:00Z');

/** An alert state as the alerter stores it (the contract's `AlertState`). */
function state(
  fingerprint: string,
  scope: { kind: 'mesh' | 'domain' | 'product'; domain?: string; product?: string },
  status: AlertState['status'],
  extra: Partial<AlertState> = {},
): AlertState {
  const rule = {
    mesh: 'MeshMomentumStalled',
    domain: 'DomainMomentumStalled',
    product: 'ProductMomentumStalled',
  }[scope.kind];
  return {
    fingerprint,
    rule,
    labels: {
      alertname: rule,
      severity: 'warning',
      scope_kind: scope.kind,
      service: 'mesh-momentum',
      ...(scope.domain === undefined ? {} : { domain: scope.domain }),
      ...(scope.product === undefined ? {} : { product: scope.product, owner_team: 'team-a' }),
    },
    status,
    activeSinceMs: T0 - 2 * HOUR_MS,
    ...(status === 'firing' || status === 'resolved' ? { firingSinceMs: T0 - HOUR_MS } : {}),
    ...(status === 'resolved' ? { resolvedAtMs: T0 - 10 * 60_000 } : {}),
    lastTrueMs: T0,
    notifications: 1,
    evidence: {
      rule,
      stallReason: 'inactivity',
      findings: [{ rule: 'inactivity', value: 40, threshold: 21 }],
      momentum: 12.5,
      trend7: -3,
      trend30: -20,
      silenceDays: 40,
      topEvents: [],
      dashboardUrl: 'http://127.0.0.1:8090/#/x',
      asOfMs: T0,
    },
    ...extra,
  };
}

const silence = (
  id: string,
  matchers: Silence['matchers'],
  startsAtMs: number,
  endsAtMs: number,
): Silence => ({
  id,
  matchers,
  startsAtMs,
  endsAtMs,
  createdBy: 'lead',
  comment: `because ${id}`,
});

const pause = (scopeKey: string, scope: Pause['scope'], untilMs?: number): Pause => ({
  scope,
  scopeKey,
  reason: 'reorg',
  createdBy: 'lead',
  createdAtMs: T0 - DAY_MS,
  ...(untilMs === undefined ? {} : { untilMs }),
});

const hashOf = <T>(records: readonly T[], id: (r: T) => string) =>
  Object.fromEntries(records.map((r) => [id(r), JSON.stringify(r)]));

function hashes(
  states: readonly AlertState[],
  silences: readonly Silence[] = [],
  pauses: readonly Pause[] = [],
  leaseHolder: string | null = 'alerter-1',
): AlerterHashes {
  return {
    alerts: hashOf(states, (s) => s.fingerprint),
    silences: hashOf(silences, (s) => s.id),
    pauses: hashOf(pauses, (p) => p.scopeKey),
    leaseHolder,
  };
}

const HR = { kind: 'domain', id: 'domain:hr', domain: 'hr', productId: undefined } as const;
const PAYROLL = {
  kind: 'product',
  id: 'product:hr/hr.payroll',
  domain: 'hr',
  productId: 'hr.payroll',
} as const;
const ADS = { kind: 'product', id: 'product:mkt/mkt.ads', domain: 'mkt', productId: 'mkt.ads' } as const;
const EMAIL = {
  kind: 'product',
  id: 'product:mkt/mkt.email',
  domain: 'mkt',
  productId: 'mkt.email',
} as const;
const PAY = { kind: 'domain', id: 'domain:pay', domain: 'pay', productId: undefined } as const;

describe('alert board: no alerter', () => {
  it('is empty and not running when none of the keys exist, and every scope is inactive', () => {
    const board = alertBoardOf(hashes([], [], [], null), T0, new SilenceCache());
    expect(board.status).toEqual({ running: false, invalid: { alerts: [], silences: [], pauses: [] } });
    expect([board.alerts, board.silences, board.pauses]).toEqual([[], [], []]);
    expect(scopeAlertOf(board, HR)).toEqual({ state: 'inactive', badge: undefined });
    expect(scopeAlertOf(EMPTY_ALERT_BOARD, HR).state).toBe('inactive');
    // Reads the contract's keys: what store-access reads is this, never a hand-built name.
    expect(alerterKeys('mm').alerts).toBe('mm:{alerter}:alerts');
  });
});

describe('alert board: states, silences and pauses per scope', () => {
  const states = [
    state('f-hr', { kind: 'domain', domain: 'hr' }, 'firing'),
    state('f-payroll', { kind: 'product', domain: 'hr', product: 'hr.payroll' }, 'firing'),
    state('f-ads', { kind: 'product', domain: 'mkt', product: 'mkt.ads' }, 'resolved', {
      evidence: { ...state('x', { kind: 'mesh' }, 'resolved').evidence, exemption: 'paused' },
    }),
    state('f-pay', { kind: 'domain', domain: 'pay' }, 'pending'),
    state('f-mesh', { kind: 'mesh' }, 'inactive'),
  ];
  const silences = [
    silence(
      's-hr',
      [{ name: 'domain', value: 'hr', isRegex: false, isEqual: true }],
      T0 - DAY_MS,
      T0 + DAY_MS,
    ),
    silence(
      's-later',
      [{ name: 'domain', value: 'p.*', isRegex: true, isEqual: true }],
      T0 + HOUR_MS,
      T0 + DAY_MS,
    ),
    silence(
      's-over',
      [{ name: 'domain', value: 'pay', isRegex: false, isEqual: true }],
      T0 - DAY_MS,
      T0 - HOUR_MS,
    ),
  ];
  const pauses = [
    pause('domain:mkt', { kind: 'domain', domain: 'mkt' }),
    pause('domain:old', { kind: 'domain', domain: 'old' }, T0 - HOUR_MS),
  ];
  const board = alertBoardOf(hashes(states, silences, pauses), T0, new SilenceCache());

  it('lists pending, firing and resolved alerts (not inactive ones), firing first, with their badges', () => {
    expect(board.status.running).toBe(true);
    expect(board.alerts.map((a) => [a.scope, a.state, a.badge])).toEqual([
      ['domain:hr', 'firing', 'silenced'],
      ['product:hr/hr.payroll', 'firing', 'silenced'],
      ['domain:pay', 'pending', 'pending'],
      ['product:mkt/mkt.ads', 'resolved', 'paused'],
    ]);
    const payroll = board.alerts[1]!;
    expect(payroll).toMatchObject({
      kind: 'product',
      domain: 'hr',
      productId: 'hr.payroll',
      ownerTeam: 'team-a',
      rule: 'ProductMomentumStalled',
      sinceMs: T0 - HOUR_MS,
      silencedBy: ['s-hr'],
      silence: { id: 's-hr', comment: 'because s-hr', createdBy: 'lead', endsAtMs: T0 + DAY_MS },
    });
    expect(board.alerts[2]!.sinceMs).toBe(T0 - 2 * HOUR_MS);
  });

  it("gives each scope its alert, or the pause that holds it, or inactive; the page adds the alert's evidence", () => {
    expect(scopeAlertOf(board, HR)).toMatchObject({
      state: 'firing',
      badge: 'silenced',
      rule: 'DomainMomentumStalled',
      silence: { id: 's-hr' },
    });
    expect(scopeAlertOf(board, PAY)).toMatchObject({ state: 'pending', badge: 'pending' });
    expect(scopeAlertOf(board, ADS)).toMatchObject({
      state: 'resolved',
      badge: 'paused',
      pause: { scopeKey: 'domain:mkt', reason: 'reorg', createdBy: 'lead' },
    });
    // No alert at all, but its domain is paused.
    expect(scopeAlertOf(board, EMAIL)).toEqual({
      state: 'inactive',
      badge: 'paused',
      pause: { scopeKey: 'domain:mkt', reason: 'reorg', createdBy: 'lead', sinceMs: T0 - DAY_MS },
    });
    expect(
      scopeAlertOf(board, { kind: 'domain', id: 'domain:old', domain: 'old', productId: undefined }),
    ).toEqual({
      state: 'inactive',
      badge: undefined,
    });
    expect(scopeAlertDetailOf(board, PAYROLL).evidence).toEqual({
      findings: [{ rule: 'inactivity', value: 40, threshold: 21 }],
      momentum: 12.5,
      trend30: -20,
      silenceDays: 40,
      lastMomentumEventMs: undefined,
      asOfMs: T0,
    });
    expect(scopeAlertDetailOf(board, EMAIL).evidence).toBeUndefined();
  });

  it('lists silences with their status and what they silence, pauses with whether in force', () => {
    expect(board.silences.map((s) => [s.id, s.status, s.silencing, s.matchers])).toEqual([
      ['s-hr', 'active', 2, ['domain=hr']],
      ['s-over', 'expired', 0, ['domain=pay']],
      ['s-later', 'pending', 0, ['domain=~p.*']],
    ]);
    expect(board.pauses.map((p) => [p.scope, p.active])).toEqual([
      ['domain:mkt', true],
      ['domain:old', false],
    ]);
  });

  it('filters and pages the list, and flattens a row for CSV', () => {
    expect(listAlerts(board, { state: 'firing', limit: 10, offset: 0 }).items.map((a) => a.scope)).toEqual([
      'domain:hr',
      'product:hr/hr.payroll',
    ]);
    const page = listAlerts(board, { domain: 'hr', limit: 1, offset: 1 });
    expect([page.total, page.items.map((a) => a.scope)]).toEqual([2, ['product:hr/hr.payroll']]);
    expect(alertCsvRow(board.alerts[0]!)).toMatchObject({
      silencedBy: 's-hr',
      silenceComment: 'because s-hr',
      silenceCreatedBy: 'lead',
    });
    expect(alertCsvRow(board.alerts[3]!)).toMatchObject({ pausedScope: 'domain:mkt', pauseReason: 'reorg' });
  });

  it('keeps the version while nothing a viewer sees changes, and moves it when a silence ends', () => {
    const cache = new SilenceCache();
    const again = alertBoardOf(
      hashes(
        states.map((s) => ({ ...s, lastTrueMs: s.lastTrueMs + HOUR_MS })),
        silences,
        pauses,
      ),
      T0 + 60_000,
      cache,
    );
    expect(again.version).toBe(board.version);
    const later = alertBoardOf(hashes(states, silences, pauses), T0 + DAY_MS, cache);
    expect(later.version).not.toBe(board.version);
    expect(later.alerts[0]).toMatchObject({ scope: 'domain:hr', badge: 'firing', silencedBy: [] });
    expect(alertChanges(board, later).sort()).toEqual(['domain:hr', 'product:hr/hr.payroll']);
    const resumed = alertBoardOf(hashes(states, silences, []), T0, new SilenceCache());
    expect(alertChanges(board, resumed).sort()).toEqual(['domain:mkt', 'product:mkt/mkt.ads']);
  });
});

describe('alert board: bad stored records', () => {
  it('reports a record the contract refuses and a silence whose pattern does not compile, and keeps the rest', () => {
    const good = state('f-hr', { kind: 'domain', domain: 'hr' }, 'firing');
    const broken = silence(
      's-bad',
      [{ name: 'domain', value: '(', isRegex: true, isEqual: true }],
      T0 - DAY_MS,
      T0 + DAY_MS,
    );
    const board = alertBoardOf(
      { ...hashes([good], [broken]), alerts: { 'f-hr': JSON.stringify(good), junk: '{' } },
      T0,
      new SilenceCache(),
    );
    expect(board.alerts.map((a) => [a.scope, a.badge])).toEqual([['domain:hr', 'firing']]);
    expect(board.status.invalid.alerts).toEqual([{ id: 'junk', reason: 'not JSON' }]);
    expect(board.status.invalid.silences).toEqual([
      { id: 's-bad', reason: expect.stringMatching(/^matchers: /) },
    ]);
  });
});
