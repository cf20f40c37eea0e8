import { dockerAvailable, startDockerServices } from './docker-services.ts';
import { endpointsFromEnv, type ServiceEndpoints } from './endpoints.ts';
import { ensureLocalServices } from './local-services.ts';

export interface ResolvedServices {
  readonly endpoints: ServiceEndpoints;
  stop(): Promise<void>;
}

/**
 * Finds the services for an integration run, in this order: endpoints given by MM_TEST_* variables;
 * else a reachable Docker engine (testcontainers); else the project's local infrastructure, started
 * for the run if it is not already up. `MM_TEST_SERVICES=local|docker` forces one of the last two.
 */
export async function resolveServices(env = process.env): Promise<ResolvedServices> {
  const given = endpointsFromEnv(env);
  if (given) return { endpoints: given, stop: async () => {} };

  const forced = env['MM_TEST_SERVICES'];
  if (forced !== undefined && forced !== 'local' && forced !== 'docker') {
    throw new Error(`MM_TEST_SERVICES must be "local" or "docker", got ${JSON.stringify(forced)}`);
  }
  if (forced === 'docker' || (forced === undefined && (await dockerAvailable()))) {
    const docker = await startDockerServices();
    return { endpoints: docker.endpoints, stop: docker.stop };
  }
  const local = await ensureLocalServices();
  return { endpoints: local.endpoints, stop: local.stop };
}
