import type { Kafka } from 'kafkajs';
import { withDeadline } from './deadline.ts';

export interface CachedProbeOptions {
  /** A caller waits at most this long for an answer; an attempt still running then counts as "no", ms. */
  readonly timeoutMs: number;
  /** An answer is reused for this long, so frequent readiness polls cost one attempt, ms. */
  readonly ttlMs: number;
  /** ms since the epoch (or any monotonic ms). @defaultValue Date.now */
  readonly clock?: () => number;
}

/**
 * Wraps a dependency check for a readiness probe: answers within `timeoutMs`, reuses an answer for
 * `ttlMs`, and never runs two attempts at once. An attempt that outlives its caller's wait (a dependency
 * that accepts connections and never answers) is left to finish on its own bound rather than joined by
 * new ones, so a hung dependency costs one pending attempt, not one per probe.
 */
export function cachedProbe(
  attempt: () => Promise<boolean>,
  options: CachedProbeOptions,
): () => Promise<boolean> {
  const clock = options.clock ?? Date.now;
  let last: { readonly ok: boolean; readonly atMs: number } | undefined;
  let running: Promise<boolean> | undefined;
  const remember = (ok: boolean): boolean => {
    last = { ok, atMs: clock() };
    return ok;
  };
  return async () => {
    if (last !== undefined && clock() - last.atMs < options.ttlMs) return last.ok;
    if (running === undefined) {
      const started = attempt().catch(() => false);
      running = started;
      void started.then((ok) => {
        remember(ok);
        if (running === started) running = undefined;
      });
    }
    return withDeadline(running, options.timeoutMs, () => new Error('probe timed out')).catch(() =>
      remember(false),
    );
  };
}

/**
 * Whether Kafka answers: a fresh admin connection to the bootstrap brokers, which fetches the cluster's
 * metadata, then disconnects. Unlike a long-lived client's state, this follows Kafka going away and
 * coming back. Unbounded beyond the client's own connection and request timeouts: wrap it in
 * {@link cachedProbe}.
 */
export async function kafkaAnswers(kafka: Kafka): Promise<boolean> {
  // No retries: a readiness answer is about now; the next probe is the retry.
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    return true;
  } catch {
    return false;
  } finally {
    // A failed connect leaves kafkajs' sockets open (to a silent broker, for good): always disconnect.
    await admin.disconnect().catch(() => undefined);
  }
}
