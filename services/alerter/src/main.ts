import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { connectRuntime, createOpsServer, installShutdown, listenOps } from '@mesh-momentum/service-kit';
import { Alerter } from './alerter.ts';
import { channelsFromConfig } from './channels-from-config.ts';
import { loadAlerterConfig, withoutAlerterVariables } from './config.ts';
import { registerAlerterApi } from './http-api.ts';
import { AlerterService } from './service.ts';

/** Entry point: `pnpm alerter` (node --conditions=@mesh-momentum/source services/alerter/src/main.ts). */
async function main(): Promise<void> {
  const alerterConfig = loadAlerterConfig(process.env);
  const { config, logger, redis, kafka } = await connectRuntime(
    'alerter',
    withoutAlerterVariables(process.env),
  );
  void kafka; // the Kafka channel (alerts topic) is not wired yet
  const alerter = new Alerter({
    config: alerterConfig,
    redis,
    keyPrefix: config.redis.keyPrefix,
    channels: channelsFromConfig(alerterConfig),
    logger,
    instanceId: `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
  });
  const service = new AlerterService(alerter, {
    evaluationIntervalMs: alerterConfig.evaluationIntervalMs,
    logger,
  });
  const ops = createOpsServer(service.health, alerter.metrics.registry);
  registerAlerterApi(ops, alerter.store, Date.now);
  const address = await listenOps(ops, { host: alerterConfig.httpHost, port: alerterConfig.httpPort });
  logger.info({ ...address, instance: alerter.lease.instanceId }, 'alerter listening');
  installShutdown(
    [
      ['alerter', () => service.stop()],
      ['ops server', () => ops.close()],
      ['redis', () => redis.quit()],
    ],
    { logger, timeoutMs: config.shutdownTimeoutMs },
  );
  service.start();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `alerter: ${error.message}` : error);
  process.exit(1);
});
