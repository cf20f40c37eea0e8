import { failedAnswer, unreachable } from './registry-errors.ts';
import type { RegistryClientOptions } from './registry-options.ts';

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export interface RegistryWorkflowOptions extends RegistryClientOptions {
  /**
   * Per-request timeout, ms.
   * @defaultValue 10000
   */
  readonly requestTimeoutMs?: number;
}

/** An answer of the registry: its status and its body (parsed JSON, or the text when not JSON). */
export interface RegistryAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * One request to the Confluent-compatible REST API, with basic auth when configured and a timeout.
 * Plain `fetch`, so every status code is ours to map: an answer that fails whatever was asked (see
 * `failedAnswer`) is thrown, any other is returned for the caller to judge.
 */
export async function registryCall(
  options: RegistryWorkflowOptions,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
): Promise<RegistryAnswer> {
  const url = `${options.url.replace(/\/+$/, '')}${path}`;
  const headers: Record<string, string> = { accept: `${CONTENT_TYPE}, application/json` };
  if (body !== undefined) headers['content-type'] = CONTENT_TYPE;
  if (options.auth) {
    headers['authorization'] =
      `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`;
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw unreachable(method, path, error);
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON (a proxy's error page): keep the text for the message
  }
  const answer = { status: response.status, body: parsed };
  const failure = failedAnswer(method, path, answer);
  if (failure) throw failure;
  return answer;
}
