import { createHmac } from 'node:crypto';
import {
  loadIngestConfig,
  startGateway,
  tokenSources,
  type ApiToken,
  type GatewayFile,
  type RunningGateway,
} from '@mesh-momentum/ingest';
import { generateToken, parseTokenHash } from '@mesh-momentum/service-kit';
import { EMPTY_GATEWAY_FILE } from '@mesh-momentum/ingest';
import { isolatedEnv, type ServiceEndpoints } from '@mesh-momentum/testing';

/** A token for tests: the secret to send and the stored form the gateway keeps. */
export function testToken(
  id: string,
  scope: { eventTypes?: string[]; domains?: string[]; admin?: boolean; sources?: string[] } = {},
): { readonly header: string; readonly token: ApiToken } {
  const { token, hash } = generateToken(id);
  const parsed = parseTokenHash(hash);
  if (!parsed) throw new Error('hash');
  return {
    header: `Bearer ${token}`,
    token: {
      id,
      ...parsed,
      eventTypes: new Set(scope.eventTypes ?? ['*']),
      domains: new Set(scope.domains ?? ['*']),
      admin: scope.admin ?? false,
      ...tokenSources(id, scope.sources),
    },
  };
}

/**
 * Starts a gateway on free ports for an isolated installation (`env` from `isolatedEnv`, so it shares
 * topics and key prefix with the test's pipeline), with the given config file contents.
 */
export async function startTestGateway(
  env: Readonly<Record<string, string>>,
  file: Partial<GatewayFile>,
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<RunningGateway> {
  const config = loadIngestConfig({ ...env, MM_INGEST_HTTP_PORT: '0', MM_INGEST_OPS_PORT: '0', ...extraEnv });
  return startGateway(config, { file: { ...EMPTY_GATEWAY_FILE, ...file } });
}

/** One environment for the test's gateway and its processor (each reads its own section of it). */
export function gatewayEnv(services: ServiceEndpoints, name: string): Record<string, string> {
  return isolatedEnv(services, { name });
}

/** POSTs `body` to a gateway's OpenMetadata webhook, signed with `secret` as OpenMetadata signs it. */
export function sendOpenMetadata(gatewayUrl: string, secret: string, body: string): Promise<Response> {
  return fetch(`${gatewayUrl}/v1/webhooks/openmetadata`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-om-signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    },
    body,
  });
}
