import type { RedisClient as Redis } from '@mesh-momentum/store';
import { Gauge, Registry } from 'prom-client';
import type { Logger } from '@mesh-momentum/common';
import type { ScoringConfig } from '@mesh-momentum/scoring';
import type { FastifyInstance } from 'fastify';
import { createDashboardApp } from './app.ts';
import type { DashboardConfig } from './config.ts';
import { SnapshotCache } from './snapshot.ts';
import { ChangeHub } from './sse.ts';
import { DashboardStore } from './store-access.ts';

export interface DashboardOptions {
  readonly redis: Redis;
  readonly keyPrefix: string;
  readonly scoring: ScoringConfig;
  readonly config: DashboardConfig;
  readonly logger: Logger;
  readonly webRoot?: string;
}

/**
 * The running dashboard: the snapshot kept current by change notifications (gathered for
 * `debounceMs`) and by a periodic refresh (`refreshMs`, which also catches a missed notification, the
 * processor's tick and a namespace switch), and the HTTP app. `start` reads once before it returns.
 */
export class DashboardService {
  readonly store: DashboardStore;
  readonly cache: SnapshotCache;
  readonly hub = new ChangeHub();
  readonly metrics = new Registry();
  #app: FastifyInstance | undefined;
  #timer: NodeJS.Timeout | undefined;
  #debounce: NodeJS.Timeout | undefined;
  #unsubscribe: (() => Promise<void>) | undefined;
  #subscribedNamespace: string | undefined;
  #lastRefreshOk = false;
  readonly #options: DashboardOptions;

  constructor(options: DashboardOptions) {
    this.#options = options;
    this.store = new DashboardStore(options.redis, options.keyPrefix, options.scoring);
    this.cache = new SnapshotCache(this.store);
    const hub = this.hub;
    const cache = this.cache;
    new Gauge({
      name: 'mm_dashboard_sse_clients',
      help: 'Open server-sent event streams.',
      registers: [this.metrics],
      collect() {
        this.set(hub.clients);
      },
    });
    new Gauge({
      name: 'mm_dashboard_snapshot_generation',
      help: 'Snapshot generation (grows with every change read).',
      registers: [this.metrics],
      collect() {
        this.set(cache.current.generation);
      },
    });
  }

  async start(): Promise<FastifyInstance> {
    await this.refresh();
    this.#timer = setInterval(() => void this.refresh(), this.#options.config.refreshMs);
    this.#app = await createDashboardApp({
      store: this.store,
      cache: this.cache,
      hub: this.hub,
      scoring: this.#options.scoring,
      metrics: this.metrics,
      probe: {
        live: () => true,
        ready: async () => {
          const redis = await this.store.ping().catch(() => false);
          return { ready: redis && this.#lastRefreshOk, checks: { redis, scoresRead: this.#lastRefreshOk } };
        },
      },
      ...(this.#options.webRoot ? { webRoot: this.#options.webRoot } : {}),
    });
    return this.#app;
  }

  /** Re-reads what changed, pushes it to SSE clients, and follows a namespace switch. */
  async refresh(): Promise<void> {
    try {
      const changed = await this.cache.refresh();
      this.#lastRefreshOk = true;
      this.hub.publish(this.cache.current, changed);
      await this.#follow(this.cache.current.namespace);
    } catch (error) {
      this.#lastRefreshOk = false;
      this.#options.logger.warn({ err: error }, 'reading the scores failed; the next refresh tries again');
    }
  }

  async #follow(namespace: string | undefined): Promise<void> {
    if (namespace === undefined || namespace === this.#subscribedNamespace) return;
    await this.#unsubscribe?.();
    this.#subscribedNamespace = namespace;
    this.#unsubscribe = await this.store.subscribe(namespace, () => this.#onNotification());
  }

  #onNotification(): void {
    if (this.#debounce) return;
    this.#debounce = setTimeout(() => {
      this.#debounce = undefined;
      void this.refresh();
    }, this.#options.config.debounceMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    clearTimeout(this.#debounce);
    this.hub.closeAll();
    await this.#unsubscribe?.();
    await this.#app?.close();
  }
}
