/**
 * The one rule for an HTTP dependency's answer (the schema registry, a notification receiver, a tool's
 * API): may the same request pass later? 408 (the server timed the request out), 425 (too early, e.g.
 * during a TLS replay window), 429 (rate-limited) and every 5xx (the server failed or is unavailable)
 * may; any other refusal (400, 401, 403, 404, 409, 422…) will not, so retrying it only wastes attempts.
 * A request that got no answer at all (a timeout, a network error) is retriable too; that is the
 * caller's case, as there is no status.
 */
export function isRetriableHttpStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || (status >= 500 && status <= 599);
}
