import type { TestProject } from 'vitest/node';
import { ensureLocalRedisCluster, resolveServices, TEST_CLUSTER_VARIABLE } from '@mesh-momentum/testing';

/**
 * The `integration-cluster` project: Kafka and the registry as for `integration`, Redis replaced by a
 * 3-master Redis Cluster (MM_TEST_REDIS_CLUSTER_NODES, or the local one started for the run).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const services = await resolveServices();
  const given = process.env[TEST_CLUSTER_VARIABLE];
  const cluster = given ? { nodes: given, stop: async () => {} } : await ensureLocalRedisCluster();
  const endpoints = { ...services.endpoints, redisClusterNodes: cluster.nodes };
  project.provide('services', endpoints);
  console.warn(
    `integration-cluster services (${endpoints.origin}): kafka ${endpoints.kafkaBrokers}, ` +
      `registry ${endpoints.registryUrl}, redis cluster ${cluster.nodes}`,
  );
  return async () => {
    await cluster.stop();
    await services.stop();
  };
}
