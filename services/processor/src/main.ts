import { ensureTopics } from '@mesh-momentum/kafka';
import { resolveNamespace } from '@mesh-momentum/store';
import { Processor } from './processor.ts';
import { createOpsServer } from './ops/http-server.ts';
import { connectRuntime } from './runtime.ts';

/** Entry point: `node --conditions=@mesh-momentum/source services/processor/src/main.ts`. */
async function main(): Promise<void> {
  const { config, scoring, logger, kafka, redis, codec } = await connectRuntime('processor');
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, { ...config.topics });
  await admin.disconnect();

  const namespace = await resolveNamespace(redis, config.redis.keyPrefix);
  const processor = new Processor({ config, scoring, kafka, redis, codec, logger, namespace });
  const ops = createOpsServer(processor.health, processor.metrics.registry);
  const address = await ops.listen({ host: config.processor.httpHost, port: config.processor.httpPort });
  logger.info({ address }, 'health and metrics server listening');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing the batch in flight');
    await processor.stop();
    await ops.close();
    await redis.quit();
    logger.info(processor.stats, 'stopped');
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  await processor.start();
  logger.info({ topic: config.topics.events, group: config.processor.groupId }, 'processor running');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `processor: ${error.message}` : error);
  process.exit(1);
});
