import { SilenceCache } from '@mesh-momentum/alerting';
import type { StoredScore } from '@mesh-momentum/store';
import { alertBoardOf, EMPTY_ALERT_BOARD, type AlertBoard, type AlertRow } from './alerts.ts';
import type { DashboardStore } from './store-access.ts';
import { toView, type ScopeView } from './views.ts';

/**
 * The scores as last read, held in memory so that every API answer is a filter over an array (10k
 * products cost ~1 ms), never a walk over Redis per request. `refresh` re-reads the domain scores (one
 * round trip per slot, through the store's reader) and, for the domains whose score moved (asOfMs or eventCount: every applied batch and every
 * tick rewrites the domain's hash), their products. A missed notification is therefore caught by the
 * next refresh, whatever triggered it. Each refresh also reads the alerter's state (alerts, silences,
 * pauses: the alerter announces nothing, so the periodic refresh is what keeps it current) and maps it
 * as of the refresh's instant.
 */
export interface Snapshot {
  readonly namespace: string | undefined;
  /** Grows by one whenever any score changed: the base of every ETag. */
  readonly generation: number;
  readonly mesh: ScopeView | undefined;
  readonly domains: readonly ScopeView[];
  readonly products: readonly ScopeView[];
  readonly byId: ReadonlyMap<string, ScopeView>;
  /** The alerter's state as of this refresh (empty when no alerter ever ran). */
  readonly alerts: AlertBoard;
}

/** What one refresh changed: the scopes whose view or alert changed, and whether alerting changed at all. */
export interface Refreshed {
  readonly scopes: string[];
  readonly alerts: boolean;
}

export interface SnapshotCacheOptions {
  /** The instant silences and pauses are judged at, ms since the epoch. @defaultValue Date.now */
  readonly clock?: () => number;
  /** Told when the alerter's state holds records the contract's parsers refuse (written around it). */
  readonly onInvalidAlertRecords?: (invalid: AlertBoard['status']['invalid']) => void;
}

/** Where the routes read the current snapshot from (the SnapshotCache, or a fixed one in tests). */
export interface SnapshotSource {
  readonly current: Snapshot;
}

const EMPTY: Snapshot = {
  namespace: undefined,
  generation: 0,
  mesh: undefined,
  domains: [],
  products: [],
  byId: new Map(),
  alerts: EMPTY_ALERT_BOARD,
};

/** Whether a domain's products need to be read again. */
const versionOf = (s: StoredScore | undefined) => (s ? `${s.asOfMs}/${s.eventCount}` : '');

/** Whether a scope changed for the people watching it (SSE pushes these). */
const fingerprint = (v: ScopeView) =>
  `${v.asOfMs}/${v.eventCount}/${v.momentum}/${v.value}/${v.quadrant}/${v.stalled ? 1 : 0}/${v.ownerTeam ?? ''}`;

export class SnapshotCache implements SnapshotSource {
  readonly #store: DashboardStore;
  readonly #clock: () => number;
  readonly #onInvalid: SnapshotCacheOptions['onInvalidAlertRecords'];
  readonly #silences = new SilenceCache();
  #snapshot: Snapshot = EMPTY;
  readonly #domainVersions = new Map<string, string>();
  readonly #productsByDomain = new Map<string, ScopeView[]>();
  #running: Promise<Refreshed> | undefined;
  #again = false;

  constructor(store: DashboardStore, options: SnapshotCacheOptions = {}) {
    this.#store = store;
    this.#clock = options.clock ?? Date.now;
    this.#onInvalid = options.onInvalidAlertRecords;
  }

  get current(): Snapshot {
    return this.#snapshot;
  }

  /**
   * Re-reads what changed and returns the ids of the scopes whose view or alert state changed. Concurrent
   * calls share one read, and a call during a read schedules exactly one more (a notification is never
   * lost).
   */
  refresh(): Promise<Refreshed> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      try {
        let { scopes, alerts } = await this.#refreshOnce();
        while (this.#again) {
          this.#again = false;
          const more = await this.#refreshOnce();
          scopes = [...scopes, ...more.scopes];
          alerts ||= more.alerts;
        }
        return { scopes: [...new Set(scopes)], alerts };
      } finally {
        this.#running = undefined;
      }
    })();
    return this.#running;
  }

  /** The alerter's state, read once per refresh and mapped as of now. */
  async #readAlerts(previous: AlertBoard): Promise<{ board: AlertBoard; changed: string[] }> {
    const board = alertBoardOf(await this.#store.alerterHashes(), this.#clock(), this.#silences);
    if (board.version === previous.version) return { board: previous, changed: [] };
    const { invalid } = board.status;
    if (invalid.alerts.length + invalid.silences.length + invalid.pauses.length > 0)
      this.#onInvalid?.(invalid);
    return { board, changed: alertChanges(previous, board) };
  }

  async #refreshOnce(): Promise<Refreshed> {
    const previous = this.#snapshot;
    // One namespace for the whole cycle: a rebuild switching it meanwhile never mixes old and new keys.
    const [snapshot, alerts] = await Promise.all([this.#store.snapshot(), this.#readAlerts(previous.alerts)]);
    const alertsChanged = alerts.board !== previous.alerts;
    const namespace = snapshot?.namespace;
    if (namespace !== previous.namespace) {
      this.#domainVersions.clear();
      this.#productsByDomain.clear();
    }
    if (snapshot === undefined || namespace === undefined) {
      const moved = previous.namespace !== undefined || alertsChanged;
      this.#snapshot = { ...EMPTY, alerts: alerts.board, generation: previous.generation + (moved ? 1 : 0) };
      return { scopes: [], alerts: alertsChanged };
    }
    const { mesh, domains } = await this.#store.domainScores(snapshot);
    const domainViews: ScopeView[] = [];
    const seen = new Set<string>();
    const reread = new Map<string, string>();
    for (const { domain, score } of domains) {
      seen.add(domain);
      domainViews.push(toView('domain', score, domain));
      const version = versionOf(score);
      if (this.#domainVersions.get(domain) !== version) reread.set(domain, version);
    }
    // The moved domains' products, all in one batch (one round trip per slot, not per domain).
    const productScores = await this.#store.productScores(snapshot, [...reread.keys()]);
    for (const [domain, version] of reread) {
      const products = productScores.get(domain) ?? new Map<string, StoredScore>();
      const views = [...products].map(([productId, s]) => toView('product', s, domain, productId));
      views.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      this.#productsByDomain.set(domain, views);
      this.#domainVersions.set(domain, version);
    }
    for (const domain of [...this.#productsByDomain.keys()]) {
      if (!seen.has(domain)) {
        this.#productsByDomain.delete(domain);
        this.#domainVersions.delete(domain);
      }
    }
    const meshView = mesh ? toView('mesh', mesh) : undefined;
    const products = [...this.#productsByDomain.values()].flat();
    const byId = new Map<string, ScopeView>();
    for (const v of [...(meshView ? [meshView] : []), ...domainViews, ...products]) byId.set(v.id, v);

    // Only scopes that were read again can have changed: the mesh, the domains, and the products of
    // the re-read domains (10k products are not compared on every refresh).
    const changed: string[] = [];
    const candidates = [
      ...(meshView ? [meshView] : []),
      ...domainViews,
      ...[...reread.keys()].flatMap((d) => this.#productsByDomain.get(d) ?? []),
    ];
    for (const view of candidates) {
      const before = previous.byId.get(view.id);
      if (!before || fingerprint(before) !== fingerprint(view)) changed.push(view.id);
    }
    for (const id of previous.byId.keys()) if (!byId.has(id)) changed.push(id);
    changed.push(...alerts.changed);
    const moved = changed.length > 0 || alertsChanged || namespace !== previous.namespace;
    this.#snapshot = {
      namespace,
      generation: previous.generation + (moved ? 1 : 0),
      mesh: meshView,
      domains: domainViews,
      products,
      byId,
      alerts: alerts.board,
    };
    return { scopes: changed, alerts: alertsChanged };
  }
}

/**
 * The scopes whose alert row changed between two boards, and the scopes whose pause began or ended (a
 * domain's pause also holds its products: they are re-rendered with it, the pages showing them reload).
 */
export function alertChanges(before: AlertBoard, after: AlertBoard): string[] {
  const changed = new Set<string>();
  const rowKey = (row: AlertRow | undefined) => (row === undefined ? '' : JSON.stringify(row));
  for (const id of new Set([...before.byScope.keys(), ...after.byScope.keys()])) {
    if (rowKey(before.byScope.get(id)) !== rowKey(after.byScope.get(id))) changed.add(id);
  }
  const paused = (board: AlertBoard) =>
    new Map(board.activePauses.map((p) => [p.scopeKey, JSON.stringify(p)]));
  const [was, is] = [paused(before), paused(after)];
  for (const id of new Set([...was.keys(), ...is.keys()])) if (was.get(id) !== is.get(id)) changed.add(id);
  return [...changed];
}
