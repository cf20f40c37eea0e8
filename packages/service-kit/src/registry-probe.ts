import type { RegistryClientOptions } from '@mesh-momentum/events';

/** A registry readiness check longer than this counts as "not answering", ms. */
const REGISTRY_PROBE_TIMEOUT_MS = 2_000;

/**
 * Whether the schema registry answers its API at the configured URL: `GET /subjects` must return 200.
 * A registry that is down, silent, behind a wrong base URL (404) or refusing the credentials is not
 * ready, whatever the reason; the service's logs name the reason when a real call fails.
 */
export async function registryAnswers(options: RegistryClientOptions): Promise<boolean> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.auth) {
    headers['authorization'] =
      `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`;
  }
  try {
    const response = await fetch(`${options.url.replace(/\/+$/, '')}/subjects`, {
      headers,
      signal: AbortSignal.timeout(REGISTRY_PROBE_TIMEOUT_MS),
    });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}
