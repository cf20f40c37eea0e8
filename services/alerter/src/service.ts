import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { KafkaConfig, Logger } from '@mesh-momentum/common';
import { RegistryClient, registryOptionsFrom } from '@mesh-momentum/events';
import { assertKafkaAccess, kafkaAccessError } from '@mesh-momentum/kafka';
import type { ServiceDefinition } from '@mesh-momentum/service-kit';
import { ChangeFeed, MomentumReader } from '@mesh-momentum/store';
import type { Kafka, Producer } from 'kafkajs';
import { Alerter } from './alerter.ts';
import { channelsFromConfig } from './channels-from-config.ts';
import { loadAlerterConfig, type AlerterServiceConfig } from './config.ts';
import { kafkaChannel } from './kafka-channel.ts';
import { registerAlerterApi } from './routes/api.ts';
import { AlerterService } from './workers/alerter-service.ts';

/**
 * The alerter in the service shell: its API on the ops server, and two workers, the change feed (a
 * stall transition announced by the processor, or a missed one caught up, triggers an evaluation at
 * once) and the evaluation and delivery loop (the periodic evaluation remains the catch-all).
 */
export const ALERTER_SERVICE: ServiceDefinition<AlerterServiceConfig> = {
  name: 'alerter',
  description: 'Judges stalled momentum and sends alerts to the configured channels.',
  loadConfig: loadAlerterConfig,
  async wire({ config, logger, redis, kafka }) {
    const settings = config.alerter;
    const topic = settings.kafkaTopic;
    const producer =
      topic === undefined ? undefined : await connectAlertsProducer(kafka, topic, config.kafka, logger);
    const alerter = new Alerter({
      config: settings,
      redis,
      keyPrefix: config.redis.keyPrefix,
      channels: channelsFromConfig(
        settings,
        producer && topic
          ? kafkaChannel(
              producer,
              new RegistryClient(registryOptionsFrom(config)),
              topic,
              settings.deliveryTimeoutMs,
            )
          : undefined,
      ),
      logger,
      instanceId: `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
    });
    const service = new AlerterService(alerter, {
      evaluationIntervalMs: settings.evaluationIntervalMs,
      logger,
    });
    const subscriber = redis.duplicate();
    const feed = new ChangeFeed(new MomentumReader(redis, { prefix: config.redis.keyPrefix }), subscriber, {
      onStall: () => service.evaluateSoon(),
      onNamespace: () => service.evaluateSoon(),
      onError: (error) => logger.warn({ err: error }, 'change feed: a message or catch-up failed'),
    });
    logger.info({ instance: alerter.lease.instanceId }, 'alerter instance');
    return {
      health: service.health,
      metrics: alerter.metrics.registry,
      ops: { host: settings.httpHost, port: settings.httpPort, http: settings },
      routes: (app) =>
        registerAlerterApi(app, alerter.store, Date.now, {
          writes: settings.adminWrites,
          adminTokens: settings.adminTokens,
        }),
      workers: [
        {
          name: 'change feed',
          start: () => feed.start(),
          stop: async () => {
            await feed.stop();
            subscriber.disconnect();
          },
        },
        { name: 'alerter', start: () => service.start(), stop: () => service.stop() },
      ],
      closers: [['kafka producer', async () => producer?.disconnect()]],
    };
  },
};

/**
 * An idempotent producer for the alerts topic, which is created (broker defaults) when missing. On a
 * cluster with ACLs the alerter's user needs Write on the topic (and Create only when the topic does not
 * exist yet); Kafka refusing it fails start-up with the access error (docs/kafka-security.md).
 */
async function connectAlertsProducer(
  kafka: Kafka,
  topic: string,
  config: KafkaConfig,
  logger: Logger,
): Promise<Producer> {
  await assertKafkaAccess(config, { logger });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  try {
    const admin = kafka.admin();
    await admin.connect();
    try {
      // Listed first: a user allowed to write the topic but not to create topics must not be asked to.
      if (!(await admin.listTopics()).includes(topic))
        await admin.createTopics({ topics: [{ topic }], waitForLeaders: true });
      // Metadata for the topic: a user without any ACL on it is refused here, at start-up.
      await admin.fetchTopicMetadata({ topics: [topic] });
    } finally {
      await admin.disconnect();
    }
    await producer.connect();
  } catch (error) {
    throw kafkaAccessError(error, config, `writing alerts to topic ${topic}`) ?? error;
  }
  return producer;
}
