/** Longest a poller waits for one HTTP answer from a tool, ms. */
export const POLL_REQUEST_TIMEOUT_MS = 30_000;

export class PollHttpError extends Error {
  readonly status: number;
  constructor(url: string, status: number) {
    super(`GET ${url} answered ${status}`);
    this.name = 'PollHttpError';
    this.status = status;
  }
}

export interface GetJsonOptions {
  /** Ends the request early (the gateway stopping); it then rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  /** @defaultValue POLL_REQUEST_TIMEOUT_MS */
  readonly timeoutMs?: number;
}

/** GET a JSON document; throws PollHttpError on a non-2xx answer (the round fails and is retried). */
export async function getJson(
  url: string,
  headers: Readonly<Record<string, string>>,
  options: GetJsonOptions = {},
): Promise<unknown> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? POLL_REQUEST_TIMEOUT_MS);
  const response = await fetch(url, {
    headers: { accept: 'application/json', ...headers },
    signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw new PollHttpError(url, response.status);
  }
  return (await response.json()) as unknown;
}
