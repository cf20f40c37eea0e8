/**
 * Bounds a wait. Node has no way to cancel most I/O once started, so a deadline does not stop the work:
 * it settles the caller's wait with an error the caller chose, and the caller decides what the
 * abandoned work may still do (e.g. re-read state it may have changed).
 */
export function withDeadline<T>(work: Promise<T>, timeoutMs: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), timeoutMs);
    timer.unref();
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
