import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Workspace packages resolve to their TypeScript sources (the `@mesh-momentum/source` export of each
 * package), so tests never need a build. Aliases, because they apply in every Vite environment,
 * including the one that loads the global set-up.
 */
function workspaceSourceAliases(): Record<string, string> {
  const aliases: Record<string, string> = {};
  for (const group of ['packages', 'services']) {
    for (const dir of readdirSync(resolve(group))) {
      const manifest = join(resolve(group), dir, 'package.json');
      if (!existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
        name: string;
        exports?: { '.'?: { '@mesh-momentum/source'?: string } };
      };
      const source = pkg.exports?.['.']?.['@mesh-momentum/source'];
      if (source) aliases[pkg.name] = join(resolve(group), dir, source);
    }
  }
  return aliases;
}

const resolveConfig = { resolve: { alias: workspaceSourceAliases() } };

/**
 * Integration files that run on the Redis Cluster too: what the processor writes, end to end, and the
 * dashboard that reads it.
 */
const CLUSTER_SCENARIOS = [
  'test/integration/scores-match-reference.test.ts',
  'test/integration/dedup-window.test.ts',
  'test/integration/processor-failures.test.ts',
  'test/integration/rebuild.test.ts',
  'test/integration/reader-contract.test.ts',
  'test/integration/movers.test.ts',
  'test/integration/retention.test.ts',
  'test/integration/dashboard-reader.test.ts',
  'test/integration/dashboard-api.test.ts',
  'test/integration/dashboard-alerts.test.ts',
];

// The projects: `unit` needs no services and runs in parallel; `chart` renders the Helm chart;
// `integration` talks to real Kafka, schema registry and Redis, found or started by the global set-up
// (see packages/testing); `fuzz` throws generated requests at the services on the same infrastructure;
// `image` runs the container image against them; `integration-cluster` runs the pipeline scenarios on a
// Redis Cluster; `integration-kafka-cluster` on a three-broker Kafka cluster; `integration-kafka-sasl`
// runs the Kafka clients on a SASL_SSL broker with ACLs.
export default defineConfig({
  ...resolveConfig,
  test: {
    projects: [
      {
        ...resolveConfig,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts', 'test/unit/**/*.test.ts'],
        },
      },
      {
        ...resolveConfig,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Two cores: files run one or two at a time; each file owns its topics and key prefix.
          maxWorkers: 2,
        },
      },
      {
        ...resolveConfig,
        test: {
          // The Helm chart rendered by the pinned helm (scripts/helm.sh builds it on first use, minutes)
          // and its manifests checked against the services' own config loaders. No services needed.
          name: 'chart',
          include: ['test/chart/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 900_000,
        },
      },
      {
        ...resolveConfig,
        test: {
          // The container image (test/image): its services in Docker against the same services as
          // `integration`. Run by scripts/image-smoke.sh, which builds the image and names it in
          // MM_TEST_IMAGE.
          name: 'image',
          include: ['test/image/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
      {
        ...resolveConfig,
        test: {
          // Producers, processor and alerter on a SASL_SSL broker with ACLs (infra/local/kafka-sasl.sh,
          // started by the global set-up), the registry and Redis as for `integration`.
          name: 'integration-kafka-sasl',
          include: ['test/kafka-sasl/**/*.test.ts'],
          globalSetup: ['test/kafka-sasl/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          maxWorkers: 2,
        },
      },
      {
        ...resolveConfig,
        test: {
          // Every HTTP route of the gateway, the dashboard and the alerter, fuzzed on the real services
          // (test/fuzz; MM_FUZZ_SEED, MM_FUZZ_RUNS: docs/security.md).
          name: 'fuzz',
          include: ['test/fuzz/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 600_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
        },
      },
      {
        ...resolveConfig,
        test: {
          // The pipeline scenarios again, on a 3-master Redis Cluster (packages/testing: the cluster's
          // global set-up), plus the cluster's own fault test (a master killed mid-stream).
          name: 'integration-cluster',
          include: [...CLUSTER_SCENARIOS, 'test/cluster/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup-cluster.ts'],
          testTimeout: 90_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
        },
      },
      {
        ...resolveConfig,
        test: {
          // The project's three-broker Kafka cluster (RF 3, min.insync.replicas 2), started by its
          // global set-up: broker kills under load, and the topic and protocol checks on a real cluster.
          name: 'integration-kafka-cluster',
          include: [
            'test/kafka-cluster/**/*.test.ts',
            'test/integration/kafka-protocol-floor.test.ts',
            'test/integration/topic-replication.test.ts',
          ],
          globalSetup: ['test/kafka-cluster/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // One file at a time: the broker kills would disturb any other file on the cluster.
          maxWorkers: 1,
        },
      },
    ],
  },
});
