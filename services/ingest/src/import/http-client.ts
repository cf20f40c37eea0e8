import { isRetriableHttpStatus } from '@mesh-momentum/common';
import {
  boundedText,
  fetchFollowingSafely,
  POLL_RESPONSE_MAX_BYTES,
  PollResponseRefusedError,
} from '../workers/http-json.ts';
import { ImportSourceError } from './errors.ts';

/** Longest the import waits for one HTTP answer from a tool, ms. */
export const IMPORT_REQUEST_TIMEOUT_MS = 30_000;
/** Attempts per request before the import fails (rate-limit waits do not count), for retriable statuses and network errors. */
const MAX_ATTEMPTS = 5;
/** First back-off after a 5xx or a network error, doubled per attempt, ms. */
const FIRST_BACKOFF_MS = 1_000;
/** A secondary rate limit without Retry-After: GitHub asks to wait at least a minute, then longer, ms. */
const SECONDARY_LIMIT_WAIT_MS = 60_000;
/** Rate-limit waits in a row for one request before the import gives up (a limit that never lifts). */
const MAX_RATE_LIMIT_WAITS = 8;

export interface HttpAnswer {
  readonly url: string;
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/** Why and how long the client waits: for the progress line. */
export interface Wait {
  readonly reason: 'rate-limit' | 'secondary-rate-limit' | 'retry-after' | 'server-error';
  readonly ms: number;
}

export interface HttpClientOptions {
  /** Sent with every request (authorization, accept, API version). */
  readonly headers: Readonly<Record<string, string>>;
  /** ms since the epoch. @defaultValue Date.now */
  readonly clock?: () => number;
  /** Waits `ms`; tests pass a simulated one. @defaultValue a timer */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onWait?: (wait: Wait) => void;
  /** @defaultValue IMPORT_REQUEST_TIMEOUT_MS */
  readonly timeoutMs?: number;
}

const timerSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function seconds(headers: Headers, name: string): number | undefined {
  const raw = headers.get(name);
  if (raw === null || !/^\d+$/.test(raw.trim())) return undefined;
  return Number(raw);
}

/**
 * GETs JSON from a tool's API within its rate limits (GitHub's, which other tools' `Retry-After` is a
 * subset of): `Retry-After` (seconds) is honoured first; an answer with `x-ratelimit-remaining: 0` waits
 * until `x-ratelimit-reset` (epoch seconds), before the next request when the answer was a success; a
 * 403/429 without either (a secondary limit) waits a minute, doubling while it persists. Other retriable
 * statuses (`isRetriableHttpStatus`: 408, 425, 5xx) and network errors are retried with back-off. Everything else ends the import with ImportSourceError.
 */
export class RateLimitedHttpClient {
  readonly #options: HttpClientOptions;
  readonly #clock: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  /** When the primary limit resets, once an answer said none is left (ms since the epoch). */
  #exhaustedUntilMs: number | undefined;

  constructor(options: HttpClientOptions) {
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
    this.#sleep = options.sleep ?? timerSleep;
  }

  async #wait(reason: Wait['reason'], ms: number): Promise<void> {
    const wait = { reason, ms: Math.max(0, Math.ceil(ms)) };
    this.#options.onWait?.(wait);
    await this.#sleep(wait.ms);
  }

  /**
   * The wait a rate-limited answer asks for, or undefined when the answer is not a rate limit. `text` is
   * the body: a 403 without rate-limit headers is a secondary limit only when the body says so (GitHub:
   * "You have exceeded a secondary rate limit"), otherwise a refusal (permissions).
   */
  #rateLimitWait(
    answer: Response,
    text: string,
    secondaryInARow: number,
  ): (Omit<Wait, 'ms'> & { ms: number }) | undefined {
    if (answer.status !== 403 && answer.status !== 429) return undefined;
    const retryAfter = seconds(answer.headers, 'retry-after');
    if (retryAfter !== undefined) return { reason: 'retry-after', ms: retryAfter * 1_000 };
    const reset = seconds(answer.headers, 'x-ratelimit-reset');
    if (answer.headers.get('x-ratelimit-remaining') === '0' && reset !== undefined)
      return { reason: 'rate-limit', ms: reset * 1_000 - this.#clock() + 1_000 };
    if (answer.status === 429 || /rate limit/i.test(text))
      return { reason: 'secondary-rate-limit', ms: SECONDARY_LIMIT_WAIT_MS * 2 ** secondaryInARow };
    return undefined;
  }

  /** The body, read up to the pollers' limit (POLL_RESPONSE_MAX_BYTES): a larger one ends the import. */
  async #text(url: string, answer: Response): Promise<string> {
    try {
      return await boundedText(url, answer, POLL_RESPONSE_MAX_BYTES);
    } catch (error) {
      if (error instanceof PollResponseRefusedError)
        throw new ImportSourceError(url, answer.status, error.message, { cause: error });
      throw error;
    }
  }

  async getJson(url: string): Promise<HttpAnswer> {
    let failures = 0;
    let limited = 0;
    let secondary = 0;
    for (;;) {
      if (this.#exhaustedUntilMs !== undefined) {
        const left = this.#exhaustedUntilMs - this.#clock();
        this.#exhaustedUntilMs = undefined;
        if (left > 0) await this.#wait('rate-limit', left);
      }
      let answer: Response;
      try {
        // As the pollers do: credentials never follow a redirect to another origin or down to http.
        answer = await fetchFollowingSafely(
          url,
          this.#options.headers,
          AbortSignal.timeout(this.#options.timeoutMs ?? IMPORT_REQUEST_TIMEOUT_MS),
        );
      } catch (error) {
        if (error instanceof PollResponseRefusedError)
          throw new ImportSourceError(url, undefined, error.message, { cause: error });
        if (++failures >= MAX_ATTEMPTS)
          throw new ImportSourceError(url, undefined, `no answer: ${(error as Error).message}`, {
            cause: error,
          });
        await this.#wait('server-error', FIRST_BACKOFF_MS * 2 ** (failures - 1));
        continue;
      }
      const refusedText = answer.status === 403 || answer.status === 429 ? await this.#text(url, answer) : '';
      const limit = this.#rateLimitWait(answer, refusedText, secondary);
      if (limit !== undefined) {
        if (++limited > MAX_RATE_LIMIT_WAITS)
          throw new ImportSourceError(
            url,
            answer.status,
            `still rate-limited after ${MAX_RATE_LIMIT_WAITS} waits`,
          );
        if (limit.reason === 'secondary-rate-limit') secondary += 1;
        await this.#wait(limit.reason, limit.ms);
        continue;
      }
      if (isRetriableHttpStatus(answer.status)) {
        await answer.body?.cancel();
        if (++failures >= MAX_ATTEMPTS)
          throw new ImportSourceError(url, answer.status, `answered ${answer.status} ${MAX_ATTEMPTS} times`);
        await this.#wait('server-error', FIRST_BACKOFF_MS * 2 ** (failures - 1));
        continue;
      }
      if (!answer.ok) {
        const text = refusedText || (await this.#text(url, answer).catch(() => ''));
        throw new ImportSourceError(url, answer.status, `answered ${answer.status} ${text.slice(0, 200)}`);
      }
      const reset = seconds(answer.headers, 'x-ratelimit-reset');
      if (answer.headers.get('x-ratelimit-remaining') === '0' && reset !== undefined)
        this.#exhaustedUntilMs = reset * 1_000 + 1_000;
      const text = await this.#text(url, answer);
      let body: unknown;
      try {
        body = JSON.parse(text) as unknown;
      } catch (error) {
        throw new ImportSourceError(url, answer.status, 'answered with a body that is not JSON', {
          cause: error,
        });
      }
      return { url, status: answer.status, headers: answer.headers, body };
    }
  }
}
