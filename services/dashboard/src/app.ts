import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { ScoringConfig } from '@mesh-momentum/scoring';
import type { Logger } from '@mesh-momentum/common';
import {
  createOpsServer,
  NO_TRUSTED_PROXIES,
  type HealthProbe,
  type HttpServerSettings,
} from '@mesh-momentum/service-kit';
import { installReadAccess, type ReadAccess } from './read-access.ts';
import type { AnswerCache } from './answer-cache.ts';
import type { StoredToken } from '@mesh-momentum/service-kit';
import { OPENAPI } from './openapi.ts';
import { registerAlertRoutes } from './routes/alerts.ts';
import { registerReadRoutes } from './routes/read.ts';
import { registerScoreMetricsRoute } from './routes/score-metrics.ts';
import { registerTargetRoutes } from './routes/targets.ts';
import { registerTeamRoutes } from './routes/teams.ts';
import type { SnapshotCache } from './snapshot.ts';
import type { ChangeHub } from './sse.ts';
import type { DashboardStore } from './store-access.ts';

/** What the dashboard's routes read and write. */
export interface DashboardRouteDeps {
  readonly store: DashboardStore;
  readonly cache: SnapshotCache;
  readonly answers: AnswerCache;
  readonly hub: ChangeHub;
  readonly scoring: ScoringConfig;
  /** Who may read the API. @defaultValue open; admin tokens identify their writers */
  readonly readAccess?: ReadAccess;
  readonly clock?: () => number;
  /** Whether target writes are served, and the admin tokens they need (none: open, loopback only). */
  readonly targetWrites: { readonly enabled: boolean; readonly adminTokens: readonly StoredToken[] };
  /** Data products `GET /metrics/scores` exports (MM_DASHBOARD_METRICS_PRODUCTS). @defaultValue 0 */
  readonly metricsProducts?: number;
  /** The built web UI (services/dashboard/web/dist); served at / when it exists. */
  readonly webRoot?: string;
}

export interface DashboardAppDeps extends DashboardRouteDeps {
  readonly probe: HealthProbe;
  readonly metrics: Registry;
  /** Trusted proxies and timeouts of the HTTP server. @defaultValue DEFAULT_HTTP_SERVER_SETTINGS */
  readonly http?: HttpServerSettings;
  /** Where unforeseen request failures are logged. */
  readonly logger?: Logger;
}

/**
 * The dashboard's routes on the service's one HTTP server (beside the kit's /healthz, /readyz and
 * /metrics): the read API under /api, the OpenAPI document and the web UI. Thin: every answer is
 * computed by the pure modules.
 */
export async function registerDashboardRoutes(app: FastifyInstance, deps: DashboardRouteDeps): Promise<void> {
  installReadAccess(
    app,
    deps.readAccess ?? {
      readTokens: [],
      adminTokens: deps.targetWrites.adminTokens,
      userHeader: undefined,
      trustProxy: NO_TRUSTED_PROXIES,
    },
  );
  let targetsVersion = 0;
  const readDeps = {
    store: deps.store,
    cache: deps.cache,
    answers: deps.answers,
    scoring: deps.scoring,
    targetsVersion: () => targetsVersion,
  };
  registerReadRoutes(app, readDeps);
  registerTeamRoutes(app, readDeps);
  registerAlertRoutes(app, readDeps);
  registerScoreMetricsRoute(app, { cache: deps.cache, maxProducts: deps.metricsProducts ?? 0 });
  registerTargetRoutes(app, {
    store: deps.store,
    cache: deps.cache,
    clock: deps.clock ?? Date.now,
    writes: deps.targetWrites.enabled,
    adminTokens: deps.targetWrites.adminTokens,
    onChange: () => {
      targetsVersion += 1;
    },
  });
  deps.hub.register(app, () => deps.cache.current);
  app.get('/openapi.json', async () => OPENAPI);
  if (deps.webRoot && existsSync(deps.webRoot)) {
    await app.register(fastifyStatic, { root: deps.webRoot, prefix: '/', index: 'index.html' });
  }
}

/** The dashboard's routes on an ops server of their own, as the shell builds it (tests, fuzzing). */
export async function createDashboardApp(deps: DashboardAppDeps): Promise<FastifyInstance> {
  const app = createOpsServer(deps.probe, deps.metrics, {
    ...(deps.http ? { http: deps.http } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
  });
  await registerDashboardRoutes(app, deps);
  return app;
}
