import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { KafkaConfig, Logger } from '@mesh-momentum/common';
import { assertKafkaAccess, kafkaAccessError } from '@mesh-momentum/kafka';
import {
  commandLine,
  connectRuntime,
  createOpsServer,
  failureLine,
  installShutdown,
  listenOps,
} from '@mesh-momentum/service-kit';
import type { Kafka, Producer } from 'kafkajs';
import { RegistryClient, registryOptionsFrom } from '@mesh-momentum/events';
import { ChangeFeed, MomentumReader } from '@mesh-momentum/store';
import { Alerter } from './alerter.ts';
import { kafkaChannel } from './kafka-channel.ts';
import { channelsFromConfig } from './channels-from-config.ts';
import { ALERTER_SECTION } from './config.ts';
import { registerAlerterApi } from './http-api.ts';
import { AlerterService } from './service.ts';

/** Entry point: `pnpm alerter` (node --conditions=@mesh-momentum/source services/alerter/src/main.ts). */
async function main(): Promise<void> {
  commandLine({
    name: 'alerter',
    synopsis: '',
    description:
      'Judges stalled momentum and sends alerts to the configured channels.\nConfigured by MM_* environment variables only (pnpm docs:config lists them).',
  });
  const { config, logger, redis, kafka } = await connectRuntime('alerter', process.env, ALERTER_SECTION);
  const alerterConfig = config.alerter;
  const alertsTopic = alerterConfig.kafkaTopic;
  const producer =
    alertsTopic === undefined
      ? undefined
      : await connectAlertsProducer(kafka, alertsTopic, config.kafka, logger);
  const kafkaAlerts =
    producer && alertsTopic
      ? kafkaChannel(
          producer,
          new RegistryClient(registryOptionsFrom(config)),
          alertsTopic,
          alerterConfig.deliveryTimeoutMs,
        )
      : undefined;
  const alerter = new Alerter({
    config: alerterConfig,
    redis,
    keyPrefix: config.redis.keyPrefix,
    channels: channelsFromConfig(alerterConfig, kafkaAlerts),
    logger,
    instanceId: `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
  });
  const service = new AlerterService(alerter, {
    evaluationIntervalMs: alerterConfig.evaluationIntervalMs,
    logger,
  });
  // Stall transitions announced by the processor (and missed ones, caught up) trigger an evaluation at
  // once; the periodic evaluation remains the catch-all.
  const subscriber = redis.duplicate();
  const feed = new ChangeFeed(new MomentumReader(redis, { prefix: config.redis.keyPrefix }), subscriber, {
    onStall: () => service.evaluateSoon(),
    onNamespace: () => service.evaluateSoon(),
    onError: (error) => logger.warn({ err: error }, 'change feed: a message or catch-up failed'),
  });
  await feed.start();
  const ops = createOpsServer(service.health, alerter.metrics.registry, { http: alerterConfig, logger });
  registerAlerterApi(ops, alerter.store, Date.now, {
    writes: alerterConfig.adminWrites,
    adminTokens: alerterConfig.adminTokens,
  });
  const address = await listenOps(ops, { host: alerterConfig.httpHost, port: alerterConfig.httpPort });
  logger.info({ ...address, instance: alerter.lease.instanceId }, 'alerter listening');
  installShutdown(
    [
      [
        'change feed',
        async () => {
          await feed.stop();
          subscriber.disconnect();
        },
      ],
      ['alerter', () => service.stop()],
      ['ops server', () => ops.close()],
      ['kafka producer', async () => producer?.disconnect()],
      ['redis', () => redis.quit()],
    ],
    { logger, timeoutMs: config.shutdownTimeoutMs },
  );
  service.start();
}

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

main().catch((error: unknown) => {
  console.error(failureLine('alerter', error));
  process.exit(1);
});
