import type { StoredScore } from '@mesh-momentum/store';
import type { DashboardStore } from './store-access.ts';
import { toView, type ScopeView } from './views.ts';

/**
 * The scores as last read, held in memory so that every API answer is a filter over an array (10k
 * products cost ~1 ms), never a walk over Redis per request. `refresh` re-reads the domain scores (one
 * round trip per slot, through the store's reader) and, for the domains whose score moved (asOfMs or eventCount: every applied batch and every
 * tick rewrites the domain's hash), their products. A missed notification is therefore caught by the
 * next refresh, whatever triggered it.
 */
export interface Snapshot {
  readonly namespace: string | undefined;
  /** Grows by one whenever any score changed: the base of every ETag. */
  readonly generation: number;
  readonly mesh: ScopeView | undefined;
  readonly domains: readonly ScopeView[];
  readonly products: readonly ScopeView[];
  readonly byId: ReadonlyMap<string, ScopeView>;
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
};

/** Whether a domain's products need to be read again. */
const versionOf = (s: StoredScore | undefined) => (s ? `${s.asOfMs}/${s.eventCount}` : '');

/** Whether a scope changed for the people watching it (SSE pushes these). */
const fingerprint = (v: ScopeView) =>
  `${v.asOfMs}/${v.eventCount}/${v.momentum}/${v.value}/${v.quadrant}/${v.stalled ? 1 : 0}/${v.ownerTeam ?? ''}`;

export class SnapshotCache implements SnapshotSource {
  readonly #store: DashboardStore;
  #snapshot: Snapshot = EMPTY;
  readonly #domainVersions = new Map<string, string>();
  readonly #productsByDomain = new Map<string, ScopeView[]>();
  #running: Promise<string[]> | undefined;
  #again = false;

  constructor(store: DashboardStore) {
    this.#store = store;
  }

  get current(): Snapshot {
    return this.#snapshot;
  }

  /**
   * Re-reads what changed and returns the ids of the scopes whose view changed. Concurrent calls share
   * one read, and a call during a read schedules exactly one more (a notification is never lost).
   */
  refresh(): Promise<string[]> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      try {
        let changed = await this.#refreshOnce();
        while (this.#again) {
          this.#again = false;
          changed = [...changed, ...(await this.#refreshOnce())];
        }
        return [...new Set(changed)];
      } finally {
        this.#running = undefined;
      }
    })();
    return this.#running;
  }

  async #refreshOnce(): Promise<string[]> {
    // One namespace for the whole cycle: a rebuild switching it meanwhile never mixes old and new keys.
    const snapshot = await this.#store.snapshot();
    const namespace = snapshot?.namespace;
    const previous = this.#snapshot;
    if (namespace !== previous.namespace) {
      this.#domainVersions.clear();
      this.#productsByDomain.clear();
    }
    if (snapshot === undefined || namespace === undefined) {
      this.#snapshot = { ...EMPTY, generation: previous.generation + (previous.namespace ? 1 : 0) };
      return [];
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
    this.#snapshot = {
      namespace,
      generation: previous.generation + (changed.length > 0 || namespace !== previous.namespace ? 1 : 0),
      mesh: meshView,
      domains: domainViews,
      products,
      byId,
    };
    return changed;
  }
}
