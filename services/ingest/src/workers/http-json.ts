/** Longest a poller waits for one HTTP answer from a tool, ms. */
export const POLL_REQUEST_TIMEOUT_MS = 30_000;
/**
 * Largest answer a poller reads from a tool: 32 MiB, ~60 times a 500-entity Backstage page. A larger one
 * fails the round (PollResponseTooLargeError) before it is held in memory, bytes.
 */
export const POLL_RESPONSE_MAX_BYTES = 32 * 1024 * 1024;
/** Most redirects one request follows. */
const MAX_REDIRECTS = 5;

export class PollHttpError extends Error {
  readonly status: number;
  constructor(url: string, status: number) {
    super(`GET ${url} answered ${status}`);
    this.name = 'PollHttpError';
    this.status = status;
  }
}

/** A tool's answer that the poller will not read: too large, or a redirect it will not follow. */
export class PollResponseRefusedError extends Error {
  constructor(url: string, reason: string) {
    super(`GET ${url}: ${reason}`);
    this.name = 'PollResponseRefusedError';
  }
}

export interface GetJsonOptions {
  /** Ends the request early (the gateway stopping); it then rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  /** @defaultValue POLL_REQUEST_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** @defaultValue POLL_RESPONSE_MAX_BYTES */
  readonly maxBytes?: number;
}

/**
 * Where a redirect leads and whether the request's own headers (the tool's credentials) go along: only to
 * the same origin. A redirect from https to http is refused outright, credentials or not.
 */
export function redirectTarget(from: string, location: string): { url: string; sameOrigin: boolean } {
  const source = new URL(from);
  const target = new URL(location, source);
  if (source.protocol === 'https:' && target.protocol !== 'https:')
    throw new PollResponseRefusedError(from, `redirect to ${target.origin} leaves https; not followed`);
  return { url: target.toString(), sameOrigin: target.origin === source.origin };
}

/** The body as text, read only up to `maxBytes`: a larger one is cancelled and refused. */
export async function boundedText(url: string, response: Response, maxBytes: number): Promise<string> {
  const refuse = () =>
    new PollResponseRefusedError(
      url,
      `answer larger than ${maxBytes} bytes (POLL_RESPONSE_MAX_BYTES); not read`,
    );
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw refuse();
  }
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw refuse();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * GETs `url` and follows redirects by hand (at most MAX_REDIRECTS): `headers` (the tool's API key or
 * token) go only to the origin they were configured for, never to another one nor over http after
 * https. Answers the first response that is not a redirect, its body unread.
 */
export async function fetchFollowingSafely(
  url: string,
  headers: Readonly<Record<string, string>>,
  signal: AbortSignal,
): Promise<Response> {
  let current = url;
  let credentials = true;
  for (let hop = 0; ; hop++) {
    const response = await fetch(current, {
      headers: { accept: 'application/json', ...(credentials ? headers : {}) },
      redirect: 'manual',
      signal,
    });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null) return response;
    await response.body?.cancel();
    if (hop >= MAX_REDIRECTS)
      throw new PollResponseRefusedError(url, `more than ${MAX_REDIRECTS} redirects; not followed`);
    const next = redirectTarget(current, location);
    credentials &&= next.sameOrigin;
    current = next.url;
  }
}

/**
 * GET a JSON document (fetchFollowingSafely, the body read up to `maxBytes`); throws PollHttpError on a
 * non-2xx answer (the round fails and is retried).
 */
export async function getJson(
  url: string,
  headers: Readonly<Record<string, string>>,
  options: GetJsonOptions = {},
): Promise<unknown> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? POLL_REQUEST_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const response = await fetchFollowingSafely(url, headers, signal);
  if (!response.ok) {
    await response.body?.cancel();
    throw new PollHttpError(response.url || url, response.status);
  }
  const text = await boundedText(response.url || url, response, options.maxBytes ?? POLL_RESPONSE_MAX_BYTES);
  return JSON.parse(text) as unknown;
}
