import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs no services and runs in parallel; `integration` talks to real Kafka,
// schema registry and Redis, found or started by the global set-up (see packages/testing).
const sourceCondition = { resolve: { conditions: ['@mesh-momentum/source'] } };

export default defineConfig({
  ...sourceCondition,
  test: {
    projects: [
      {
        ...sourceCondition,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts', 'test/unit/**/*.test.ts'],
        },
      },
      {
        ...sourceCondition,
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
    ],
  },
});
