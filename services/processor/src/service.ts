import { KafkaUnavailableError, MeshMomentumError } from '@mesh-momentum/common';
import { assertKafkaAccess, ensureTopics, kafkaAccessError } from '@mesh-momentum/kafka';
import { withDeadline, type ServiceDefinition } from '@mesh-momentum/service-kit';
import { resolveNamespace } from '@mesh-momentum/store';
import { loadProcessorConfig, type ProcessorConfig } from './config.ts';
import { Processor } from './processor.ts';
import { loadScoringConfig } from './scoring-config.ts';

/**
 * The processor in the service shell: one worker, the consumer, that applies the events topic to the
 * scores; health and metrics are the consumer's own. No routes beside the ops server's.
 */
export const PROCESSOR_SERVICE: ServiceDefinition<ProcessorConfig> = {
  name: 'processor',
  description: 'Applies the events topic to the scores in Redis (the write engine).',
  loadConfig: loadProcessorConfig,
  async wire({ config, logger, kafka, redis, codec, fail }) {
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
      onRefused: fail,
    });
    // kafkajs bounds each request, then retries; a broker that accepts but never answers would keep
    // start-up retrying for minutes. Two request timeouts is long enough for a slow cluster.
    const startupBoundMs = 2 * config.kafka.requestTimeoutMs;
    const consume = async () => {
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
    };
    return {
      health: processor.health,
      metrics: processor.metrics.registry,
      ops: { host: config.processor.httpHost, port: config.processor.httpPort },
      workers: [
        {
          name: 'consumer',
          start: async () => {
            await withDeadline(
              consume().catch((error: unknown) => {
                // Everything above talks to Kafka only. kafkajs gave up on its own, with its errors or a
                // plain Error("Broker not connected"): say what is unavailable.
                if (error instanceof MeshMomentumError) throw error;
                const refused = kafkaAccessError(
                  error,
                  config.kafka,
                  'at start-up (topics, group or DLQ producer)',
                );
                if (refused !== undefined) throw refused;
                throw new KafkaUnavailableError(
                  config.kafka.brokers,
                  String((error as Error).message ?? error),
                  {
                    cause: error,
                  },
                );
              }),
              startupBoundMs,
              () =>
                new KafkaUnavailableError(
                  config.kafka.brokers,
                  `no answer within ${startupBoundMs} ms at start-up`,
                ),
            );
            logger.info(
              { topic: config.topics.events, group: config.processor.groupId },
              'processor running',
            );
          },
          stop: () => processor.stop(),
        },
      ],
    };
  },
};
