import { fileURLToPath } from 'node:url';
import { loadScoringConfigFile, type ServiceDefinition } from '@mesh-momentum/service-kit';
import { loadDashboardConfig, type DashboardServiceConfig } from './config.ts';
import { ensureWebBuild } from './web-build.ts';
import { DashboardService } from './workers/dashboard-service.ts';

/**
 * The dashboard in the service shell: its read API, the OpenAPI document and the web UI on the ops
 * server, and one worker that keeps the snapshot they answer from current.
 */
export const DASHBOARD_SERVICE: ServiceDefinition<DashboardServiceConfig> = {
  name: 'dashboard',
  description: 'Serves the web dashboard and its read API over the scores in Redis.',
  loadConfig: loadDashboardConfig,
  async wire({ config, logger, redis }) {
    const settings = config.dashboard;
    const webRoot = await ensureWebBuild(fileURLToPath(new URL('../web', import.meta.url)), logger);
    const service = new DashboardService({
      redis,
      keyPrefix: config.redis.keyPrefix,
      scoring: loadScoringConfigFile(config.scoringConfigFile),
      config: settings,
      logger,
      ...(webRoot ? { webRoot } : {}),
    });
    return {
      health: service.health,
      metrics: service.metrics,
      ops: { host: settings.httpHost, port: settings.httpPort, http: settings },
      routes: (app) => service.routes(app),
      workers: [
        { name: 'snapshot updates', start: () => service.startUpdates(), stop: () => service.stopUpdates() },
      ],
    };
  },
};
