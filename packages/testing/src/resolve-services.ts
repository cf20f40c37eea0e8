import { startDockerServices } from './docker-services.ts';
import { endpointsFromEnv, type ServiceEndpoints } from './endpoints.ts';
import { ensureLocalServices } from './local-services.ts';

export interface ResolvedServices {
  readonly endpoints: ServiceEndpoints;
  stop(): Promise<void>;
}

/** Where the integration services come from when no MM_TEST_* endpoints are given. */
export type ServiceSource = 'local' | 'docker';

/**
 * `MM_TEST_SERVICES`: `local` (the default) or `docker`. Docker is never chosen just because an engine
 * answers: an engine that cannot pull the images (no registry reachable, as in CI) would fail the run,
 * and the image smoke test starts one of those on the same machine.
 */
export function serviceSourceFromEnv(env: Readonly<Record<string, string | undefined>>): ServiceSource {
  const value = env['MM_TEST_SERVICES'];
  if (value === undefined || value === '' || value === 'local') return 'local';
  if (value === 'docker') return 'docker';
  throw new Error(`MM_TEST_SERVICES must be "local" or "docker", got ${JSON.stringify(value)}`);
}

/**
 * Finds the services for an integration run: the endpoints given by MM_TEST_* variables; else the
 * project's local infrastructure, started for the run if it is not already up; or, with
 * `MM_TEST_SERVICES=docker`, containers started by testcontainers.
 */
export async function resolveServices(env = process.env): Promise<ResolvedServices> {
  const given = endpointsFromEnv(env);
  if (given) return { endpoints: given, stop: async () => {} };

  if (serviceSourceFromEnv(env) === 'docker') {
    const docker = await startDockerServices();
    return { endpoints: docker.endpoints, stop: docker.stop };
  }
  const local = await ensureLocalServices();
  return { endpoints: local.endpoints, stop: local.stop };
}
