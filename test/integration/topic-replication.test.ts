import { afterAll, describe, expect, inject, it } from 'vitest';
import kafkajs, { type Admin } from 'kafkajs';
import { createLogger, ErrorCodes, TopicReplicationFactorError } from '@mesh-momentum/common';
import { createKafka, DEFAULT_REPLICATION_FACTOR_CONFIG, ensureTopics } from '@mesh-momentum/kafka';
import { isolatedConfig, isolatedEnv } from '@mesh-momentum/testing';
import { ServiceProcess } from './support/service-process.ts';

const { ConfigResourceTypes } = kafkajs;

/**
 * Topic creation takes its replication factor from the cluster (default.replication.factor) unless
 * MM_TOPIC_REPLICATION_FACTOR says otherwise, and refuses a factor above the broker count with
 * MM_ERR_TOPIC_REPLICATION_FACTOR. Runs on the single broker (`integration`) and on the three-broker
 * cluster (`integration-kafka-cluster`), where the topics get three replicas.
 */
describe('topic replication factor', () => {
  const services = inject('services');
  const onCluster = inject('kafkaClusterBrokers') !== undefined;
  const logger = createLogger({ name: 'test', level: 'warn' });
  const admins: Admin[] = [];
  const adminFor = async (env: Record<string, string> = {}) => {
    const config = isolatedConfig(services, { name: 'topic-rf', env });
    const admin = createKafka(config.kafka, { logger }).admin();
    await admin.connect();
    admins.push(admin);
    return { admin, config };
  };
  afterAll(async () => {
    await Promise.all(admins.map((a) => a.disconnect()));
  });

  it("creates the topics with the cluster's default.replication.factor when none is set", async () => {
    const { admin, config } = await adminFor();
    const { brokers } = await admin.describeCluster();
    const described = await admin.describeConfigs({
      resources: [
        {
          type: ConfigResourceTypes.BROKER,
          name: String(brokers[0]?.nodeId),
          configNames: [DEFAULT_REPLICATION_FACTOR_CONFIG],
        },
      ],
      includeSynonyms: false,
    });
    const clusterDefault = Number(described.resources[0]?.configEntries[0]?.configValue);
    if (onCluster) expect(clusterDefault, 'the cluster script sets RF 3').toBe(3);

    await ensureTopics(admin, { ...config.topics });
    const metadata = await admin.fetchTopicMetadata({
      topics: [config.topics.events, config.topics.deadLetter],
    });
    for (const topic of metadata.topics) {
      for (const partition of topic.partitions) expect(partition.replicas).toHaveLength(clusterDefault);
    }
    await admin.deleteTopics({ topics: [config.topics.events, config.topics.deadLetter] });
  });

  it('refuses a factor above the broker count, naming both, before creating anything', async () => {
    const { admin } = await adminFor();
    const brokerCount = (await admin.describeCluster()).brokers.length;
    const { config } = await adminFor({ MM_TOPIC_REPLICATION_FACTOR: String(brokerCount + 1) });

    const refused = await ensureTopics(admin, { ...config.topics }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TopicReplicationFactorError);
    expect(refused).toMatchObject({
      code: ErrorCodes.TOPIC_REPLICATION_FACTOR,
      retriable: false,
      replicationFactor: brokerCount + 1,
      brokerCount,
    });
    expect((refused as Error).message).toContain('MM_TOPIC_REPLICATION_FACTOR');
    expect(await admin.listTopics()).not.toContain(config.topics.events);
  });

  it('`topics create` exits 2 with the error code when the factor is too high', async () => {
    const { admin } = await adminFor();
    const brokerCount = (await admin.describeCluster()).brokers.length;
    const env = isolatedEnv(services, {
      name: 'topic-rf-cli',
      env: { MM_TOPIC_REPLICATION_FACTOR: String(brokerCount + 1) },
    });
    const cli = new ServiceProcess('packages/cli/src/main.ts', env, ['topics', 'create']);
    expect(await cli.exited()).toEqual({ code: 2, signal: null });
    expect(cli.output).toContain(ErrorCodes.TOPIC_REPLICATION_FACTOR);
    expect(cli.output).toContain(`above the ${brokerCount} broker(s)`);
  });
});
