import { fileURLToPath } from 'node:url';
import { createLogger } from '@mesh-momentum/common';
import {
  commandLine,
  connectRedis,
  createRedis,
  installShutdown,
  listenOps,
  loadScoringConfigFile,
} from '@mesh-momentum/service-kit';
import { loadDashboardConfig } from './config.ts';
import { DashboardService } from './service.ts';
import { ensureWebBuild } from './web-build.ts';

/** Entry point: `pnpm dashboard` (node --conditions=@mesh-momentum/source services/dashboard/src/main.ts). */
async function main(): Promise<void> {
  commandLine({
    name: 'dashboard',
    synopsis: '',
    description:
      'Serves the web dashboard and its read API over the scores in Redis.\nConfigured by MM_* environment variables only (pnpm docs:config lists them).',
  });
  const config = loadDashboardConfig(process.env);
  const { dashboard } = config;
  const logger = createLogger({ name: 'dashboard', level: config.logLevel });
  const scoring = loadScoringConfigFile(config.scoringConfigFile);
  const redis = createRedis(config.redis, logger.child({ component: 'redis' }));
  await connectRedis(redis, config.redis);
  const webRoot = await ensureWebBuild(fileURLToPath(new URL('../web', import.meta.url)), logger);
  const service = new DashboardService({
    redis,
    keyPrefix: config.redis.keyPrefix,
    scoring,
    config: dashboard,
    logger,
    ...(webRoot ? { webRoot } : {}),
  });
  const app = await service.start();
  const address = await listenOps(app, { host: dashboard.httpHost, port: dashboard.httpPort });
  logger.info(address, `dashboard listening on ${address.url}`);
  installShutdown(
    [
      ['dashboard', () => service.stop()],
      ['redis', () => redis.quit()],
    ],
    { logger, timeoutMs: config.shutdownTimeoutMs },
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
