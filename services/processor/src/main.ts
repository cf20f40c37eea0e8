import { Redis } from 'ioredis';
import { createLogger, loadConfig } from '@mesh-momentum/common';
import { EventCodec, RegistryClient, registryOptionsFrom } from '@mesh-momentum/events';
import { createKafka, ensureTopics } from '@mesh-momentum/kafka';
import { resolveNamespace } from '@mesh-momentum/store';
import { Processor } from './processor.ts';
import { loadScoringConfig } from './scoring-config.ts';
import { createOpsServer } from './ops/http-server.ts';

/** Entry point: `node --conditions=@mesh-momentum/source services/processor/src/main.ts`. */
async function main(): Promise<void> {
  const config = loadConfig();
  const scoring = loadScoringConfig(config.scoringConfigFile);
  const logger = createLogger({ name: 'processor', level: config.logLevel });
  const kafka = createKafka(config.kafka, { logger, clientId: `${config.kafka.clientId}-processor` });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, {
    events: config.topics.events,
    deadLetter: config.topics.deadLetter,
    partitions: config.topics.partitions,
    replicationFactor: config.topics.replicationFactor,
  });
  await admin.disconnect();

  const redis = new Redis(config.redis.url, { lazyConnect: true });
  await redis.connect();
  const codec = new EventCodec(new RegistryClient(registryOptionsFrom(config)));
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
