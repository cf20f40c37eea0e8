import type { TestProject } from 'vitest/node';
import { ensureLocalKafkaCluster, resolveServices } from '@mesh-momentum/testing';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap list of the three-broker cluster the `integration-kafka-cluster` project runs on. */
    kafkaClusterBrokers: string;
  }
}

/**
 * The `integration-kafka-cluster` project: the registry and Redis as for `integration`, Kafka replaced
 * by the project's three-broker cluster (infra/local/kafka-cluster.sh), started here when it is not
 * running. Its tests kill and restart the brokers, so it is always the local cluster.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const services = await resolveServices();
  const cluster = await ensureLocalKafkaCluster();
  project.provide('services', { ...services.endpoints, kafkaBrokers: cluster.brokers });
  project.provide('kafkaClusterBrokers', cluster.brokers);
  console.warn(
    `integration-kafka-cluster services: kafka cluster ${cluster.brokers}, ` +
      `registry ${services.endpoints.registryUrl}, redis ${services.endpoints.redisUrl}`,
  );
  return async () => {
    await cluster.stop();
    await services.stop();
  };
}
