import type { TestProject } from 'vitest/node';
import { resolveServices, type ServiceEndpoints } from '@mesh-momentum/testing';

declare module 'vitest' {
  export interface ProvidedContext {
    services: ServiceEndpoints;
  }
}

/** Finds or starts Kafka, the registry and Redis once per run; test files `inject('services')`. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const services = await resolveServices();
  project.provide('services', services.endpoints);
  console.warn(
    `integration services (${services.endpoints.origin}): kafka ${services.endpoints.kafkaBrokers}, ` +
      `registry ${services.endpoints.registryUrl}, redis ${services.endpoints.redisUrl}`,
  );
  return () => services.stop();
}
