/**
 * Every Redis key of the alerter, built here (the alert-state contract: the alerter writes them; a
 * reader such as the dashboard reads `alerts` and `silences` without importing the alerter); docs/alerter.md
 * documents them. All share the hash tag `{alerter}`, so one Lua script updates alert state and the
 * outbox atomically (one Redis Cluster slot). They live beside, not inside, the score namespaces
 * (`<prefix>:{alerter}:…`, where the score keys are `<prefix>:<namespace>:…`): a rebuild of the scores
 * keeps the alert history.
 */
export function alerterKeys(prefix: string) {
  const base = `${prefix}:{alerter}`;
  return {
    /** Hash: fingerprint → AlertState JSON (`parseAlertStates`). */
    alerts: `${base}:alerts`,
    /** Hash: silence id → Silence JSON (`parseSilences`); removed by the evaluation a while after they end. */
    silences: `${base}:silences`,
    /**
     * Hash: scope key (`mesh`, `domain:<d>`, `product:<d>/<p>`) → Pause JSON (`parsePauses`): the scopes
     * put on hold, one pause per scope; removed by the evaluation a while after they end.
     */
    pauses: `${base}:pauses`,
    /** Hash: delivery id (`<idempotency key>:<channel>`) → Delivery JSON: what to send, attempts, last error. */
    outbox: `${base}:outbox`,
    /** Sorted set: delivery id → next attempt, ms since the epoch. */
    outboxDue: `${base}:outbox:due`,
    /** String: the notifier lease, `<instance id>` with a TTL (PX). */
    lease: `${base}:lease`,
    /** Counter: fencing epoch, incremented by each lease acquisition; writes carry the epoch they hold. */
    epoch: `${base}:epoch`,
    /** String: when the firing alerts were last posted to Alertmanager, ms since the epoch. */
    alertmanagerPostedMs: `${base}:alertmanager:posted`,
  } as const;
}

export type AlerterKeys = ReturnType<typeof alerterKeys>;
