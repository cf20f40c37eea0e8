import { KafkaUnavailableError, MeshMomentumError } from '@mesh-momentum/common';
import { assertKafkaAccess, ensureTopics, kafkaAccessError } from '@mesh-momentum/kafka';
import {
  commandLine,
  connectRuntime,
  createOpsServer,
  failureLine,
  installShutdown,
  listenOps,
  withDeadline,
} from '@mesh-momentum/service-kit';
import { resolveNamespace } from '@mesh-momentum/store';
import { PROCESSOR_SECTION } from './config.ts';
import { Processor } from './processor.ts';
import { loadScoringConfig } from './scoring-config.ts';

/** Entry point: `node --conditions=@mesh-momentum/source services/processor/src/main.ts`. */
async function main(): Promise<void> {
  commandLine({
    name: 'processor',
    synopsis: '',
    description:
      'Applies the events topic to the scores in Redis (the write engine).\nConfigured by MM_* environment variables only (pnpm docs:config lists them).',
  });
  const { config, logger, kafka, redis, codec } = await connectRuntime(
    'processor',
    process.env,
    PROCESSOR_SECTION,
  );
  const scoring = loadScoringConfig(config.scoringConfigFile);
  const namespace = await resolveNamespace(redis, config.redis.keyPrefix);
  const processor = new Processor({
    config,
    scoring,
    kafka,
    redis,
    codec,
    logger,
    namespace,
    // Kafka refusing the consumer for good (a missing ACL on the group or topic) after start-up: say
    // so and exit, instead of staying up with a dead consumer.
    onRefused: (error) => {
      console.error(failureLine('processor', error));
      process.exit(1);
    },
  });
  // Health first: while Kafka is still being reached, /readyz already answers (not ready).
  const ops = createOpsServer(processor.health, processor.metrics.registry);
  const address = await listenOps(ops, { host: config.processor.httpHost, port: config.processor.httpPort });
  logger.info(address, 'health and metrics server listening');

  installShutdown(
    [
      ['processor', () => processor.stop()],
      ['ops server', () => ops.close()],
      ['redis', () => redis.quit()],
    ],
    { logger, timeoutMs: config.shutdownTimeoutMs },
  );

  // kafkajs bounds each request, then retries; a broker that accepts but never answers would keep
  // start-up retrying for minutes. Two request timeouts is long enough for a slow cluster.
  const startupBoundMs = 2 * config.kafka.requestTimeoutMs;
  await withDeadline(
    (async () => {
      // Credentials and trust first, without kafkajs' retries: an untrusted certificate fails at once.
      await assertKafkaAccess(config.kafka, { logger });
      const admin = kafka.admin();
      await admin.connect();
      try {
        const { timestampTypeDrift } = await ensureTopics(admin, { ...config.topics });
        if (timestampTypeDrift !== undefined) {
          logger.warn(
            {
              topic: config.topics.events,
              actual: timestampTypeDrift,
              expected: config.topics.timestampType,
            },
            'the events topic has another timestamp type than MM_TOPIC_TIMESTAMP_TYPE; with CreateTime a ' +
              'producer can set record timestamps past the future-date check. Change it with kafka-configs.sh ' +
              '--alter --entity-type topics --entity-name <topic> --add-config message.timestamp.type=LogAppendTime',
          );
        }
      } finally {
        await admin.disconnect();
      }
      await processor.start();
    })().catch((error: unknown) => {
      // Everything above talks to Kafka only. kafkajs gave up on its own, with its errors or a plain
      // Error("Broker not connected"): say what is unavailable.
      if (error instanceof MeshMomentumError) throw error;
      const refused = kafkaAccessError(error, config.kafka, 'at start-up (topics, group or DLQ producer)');
      if (refused !== undefined) throw refused;
      throw new KafkaUnavailableError(config.kafka.brokers, String((error as Error).message ?? error), {
        cause: error,
      });
    }),
    startupBoundMs,
    () =>
      new KafkaUnavailableError(config.kafka.brokers, `no answer within ${startupBoundMs} ms at start-up`),
  );
  logger.info({ topic: config.topics.events, group: config.processor.groupId }, 'processor running');
}

main().catch((error: unknown) => {
  console.error(failureLine('processor', error));
  process.exit(1);
});
