import type { RedisClient } from '@mesh-momentum/store';
import type { Logger } from '@mesh-momentum/common';
import type { ScoringConfig } from '@mesh-momentum/scoring';
import type { FastifyInstance } from 'fastify';
import { createMetricsRegistry, createOpsServer, type HealthProbe } from '@mesh-momentum/service-kit';
import { AnswerCache } from '../answer-cache.ts';
import { registerDashboardRoutes } from '../app.ts';
import type { DashboardConfig } from '../config.ts';
import { dashboardMetrics } from '../metrics.ts';
import { SnapshotCache } from '../snapshot.ts';
import { ChangeHub } from '../sse.ts';
import { DashboardStore, type Subscription } from '../store-access.ts';

export interface DashboardOptions {
  /** A single Redis or a Redis Cluster (read-only credentials and the targets hash suffice). */
  readonly redis: RedisClient;
  readonly keyPrefix: string;
  readonly scoring: ScoringConfig;
  readonly config: DashboardConfig;
  readonly logger: Logger;
  readonly webRoot?: string;
  /** The instant alert silences and pauses are judged at, ms since the epoch. @defaultValue Date.now */
  readonly clock?: () => number;
}

/**
 * The running dashboard: the snapshot kept current by the reader's change feed (notifications gathered
 * for `debounceMs`; a missed one, a reconnection or a namespace switch found by the feed's catch-up)
 * and by a periodic refresh (`refreshMs`: the feed's catch-up, and a re-read that also catches a missed
 * mesh notification), and its routes. `startUpdates` subscribes, then reads once, before it returns.
 */
export class DashboardService {
  readonly store: DashboardStore;
  readonly cache: SnapshotCache;
  readonly answers: AnswerCache;
  readonly hub: ChangeHub;
  readonly metrics = createMetricsRegistry('dashboard');
  #app: FastifyInstance | undefined;
  #timer: NodeJS.Timeout | undefined;
  #debounce: NodeJS.Timeout | undefined;
  #subscription: Subscription | undefined;
  #lastRefreshOk = false;
  #stopped = false;
  readonly #options: DashboardOptions;

  constructor(options: DashboardOptions) {
    this.#options = options;
    this.store = new DashboardStore(options.redis, options.keyPrefix, options.scoring);
    this.cache = new SnapshotCache(this.store, {
      ...(options.clock ? { clock: options.clock } : {}),
      onInvalidAlertRecords: (invalid) =>
        options.logger.warn({ invalid }, 'alerter records the alert-state contract refuses are left out'),
    });
    this.answers = new AnswerCache(options.config.answerCache);
    const metrics = dashboardMetrics(this.metrics);
    this.hub = new ChangeHub(options.config.sse, metrics.sseHooks);
    metrics.observe({ hub: this.hub, answers: this.answers, cache: this.cache });
  }

  /** Subscribes to the change feed, reads once, then refreshes every `refreshMs` (the shell's worker). */
  async startUpdates(): Promise<void> {
    // Subscribed first, read second: a change landing in between is both read and announced.
    await this.#subscribe();
    await this.refresh();
    this.#timer = setInterval(() => void this.#tick(), this.#options.config.refreshMs);
  }

  /** Ready while Redis answers and the last read of the scores succeeded. */
  get health(): HealthProbe {
    return {
      live: () => true,
      ready: async () => {
        const redis = await this.store.ping().catch(() => false);
        return { ready: redis && this.#lastRefreshOk, checks: { redis, scoresRead: this.#lastRefreshOk } };
      },
    };
  }

  /** The dashboard's routes on `app` (the shell's ops server). */
  routes(app: FastifyInstance): Promise<void> {
    const config = this.#options.config;
    return registerDashboardRoutes(app, {
      store: this.store,
      cache: this.cache,
      answers: this.answers,
      hub: this.hub,
      scoring: this.#options.scoring,
      ...(this.#options.clock ? { clock: this.#options.clock } : {}),
      targetWrites: { enabled: config.targetWrites, adminTokens: config.adminTokens },
      metricsProducts: config.metricsProducts,
      readAccess: {
        readTokens: config.readTokens,
        adminTokens: config.adminTokens,
        userHeader: config.authUserHeader,
        trustProxy: config.trustProxy,
      },
      ...(this.#options.webRoot ? { webRoot: this.#options.webRoot } : {}),
    });
  }

  /** `startUpdates`, and the routes on an HTTP server of their own as the shell builds it (tests). */
  async start(): Promise<FastifyInstance> {
    await this.startUpdates();
    this.#app = createOpsServer(this.health, this.metrics, {
      http: this.#options.config,
      logger: this.#options.logger.child({ component: 'http' }),
    });
    await this.routes(this.#app);
    return this.#app;
  }

  /** Every `refreshMs`: the feed's catch-up (or a new subscription, if it failed) and a re-read. */
  async #tick(): Promise<void> {
    if (this.#subscription) void this.#subscription.feed.catchUp();
    else await this.#subscribe();
    await this.refresh();
  }

  /**
   * Starts the change feed. A failure (Redis unreachable at that moment) is logged, not thrown: the
   * timed refresh keeps the scores current meanwhile and the next tick subscribes again.
   */
  async #subscribe(): Promise<void> {
    const changed = () => this.#onNotification();
    try {
      const subscription = await this.store.subscribe({
        onScores: changed,
        onStall: changed,
        onMesh: changed,
        onNamespace: changed,
        onError: (error) =>
          this.#options.logger.warn({ err: error }, 'change feed failed; its next catch-up tries again'),
      });
      if (this.#stopped) await subscription.close();
      else this.#subscription = subscription;
    } catch (error) {
      this.#options.logger.warn(
        { err: error },
        'subscribing to change notifications failed; the next timed refresh tries again',
      );
    }
  }

  /** Re-reads what changed (in the namespace in use now) and pushes it to SSE clients. */
  async refresh(): Promise<void> {
    try {
      const changed = await this.cache.refresh();
      this.#lastRefreshOk = true;
      this.hub.publish(this.cache.current, changed.scopes, changed.alerts);
    } catch (error) {
      this.#lastRefreshOk = false;
      this.#options.logger.warn({ err: error }, 'reading the scores failed; the next refresh tries again');
    }
  }

  #onNotification(): void {
    if (this.#debounce) return;
    this.#debounce = setTimeout(() => {
      this.#debounce = undefined;
      void this.refresh();
    }, this.#options.config.debounceMs);
  }

  /** Stops the refreshes and the change feed, and closes the live-update streams. */
  async stopUpdates(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    clearTimeout(this.#debounce);
    this.hub.closeAll();
    await this.#subscription?.close();
  }

  /** `stopUpdates`, and closes the server `start` made. */
  async stop(): Promise<void> {
    await this.stopUpdates();
    await this.#app?.close();
  }
}
