import { redisCall } from '@mesh-momentum/common';
import type { RedisClient } from '@mesh-momentum/store';
import {
  parseAlertStates,
  parsePauses,
  parseSilences,
  SilenceCache,
  type AlerterKeys,
  type AlertState,
  type CompiledSilence,
  type InvalidRecord,
  type Notification,
  type Pause,
  type Silence,
} from '@mesh-momentum/alerting';
import { AlerterFencedError } from './errors.ts';
import { SCRIPT_STATUS, withAlerterScripts, type AlerterScripts } from './scripts.ts';

export const CHANNELS = ['webhook', 'chat', 'kafka'] as const;
export type ChannelName = (typeof CHANNELS)[number];

/** One notification on its way to one channel: what the outbox holds. */
export interface Delivery {
  /** `<idempotency key>:<channel>`. */
  readonly id: string;
  readonly channel: ChannelName;
  readonly notification: Notification;
  readonly attempts: number;
  readonly decidedAtMs: number;
  readonly lastError?: string;
}

/** A stored record the alerter could not use: which hash, which field, why. */
export type InvalidRecordReport = (hash: 'alerts' | 'silences' | 'pauses', record: InvalidRecord) => void;

/**
 * Alert state, silences and the outbox in Redis under the alerter's keys (the alert-state contract of
 * packages/alerting: `alerterKeys`, `parseAlertStates`, `parseSilences`). A stored record that cannot
 * be read is left out and reported (`onInvalid`), never fatal. Writes that decide or settle
 * notifications carry the notifier epoch and are refused (AlerterFencedError) once another instance
 * took the lease. A failed Redis call is thrown as `redisFailure` classifies it (MM_ERR_STORE_UNAVAILABLE
 * or MM_ERR_STORE_REPLY).
 */
export class AlertStore {
  readonly #redis: RedisClient & AlerterScripts;
  readonly #keys: AlerterKeys;
  readonly #silenceCache = new SilenceCache();
  readonly #onInvalid: InvalidRecordReport;

  constructor(redis: RedisClient, keys: AlerterKeys, options: { onInvalid?: InvalidRecordReport } = {}) {
    this.#redis = withAlerterScripts(redis);
    this.#keys = keys;
    this.#onInvalid = options.onInvalid ?? (() => undefined);
  }

  /** Runs Redis work; a failure is thrown classified (`redisCall`: 503 while Redis is unreachable). */
  #call<T>(what: string, work: (redis: RedisClient & AlerterScripts) => Promise<T>): Promise<T> {
    return redisCall(what, () => work(this.#redis));
  }

  async states(): Promise<Map<string, AlertState>> {
    const { records, invalid } = parseAlertStates(
      await this.#call('reading the alert states', (r) => r.hgetall(this.#keys.alerts)),
    );
    for (const record of invalid) this.#onInvalid('alerts', record);
    return new Map(records.map((s) => [s.fingerprint, s]));
  }

  /** Writes one evaluation: states, forgotten alerts and the new deliveries, atomically. */
  async commit(
    epoch: number,
    states: ReadonlyMap<string, AlertState>,
    forgotten: readonly string[],
    deliveries: readonly Delivery[],
    dueMs: number,
  ): Promise<void> {
    const args: (string | number)[] = [epoch, states.size];
    for (const [fp, state] of states) args.push(fp, JSON.stringify(state));
    args.push(forgotten.length, ...forgotten, deliveries.length);
    for (const d of deliveries) args.push(d.id, JSON.stringify(d), dueMs);
    const k = this.#keys;
    const status = await this.#call('committing an evaluation', (r) =>
      r.mmAlerterCommit(4, k.epoch, k.alerts, k.outbox, k.outboxDue, ...args),
    );
    if (status === SCRIPT_STATUS.FENCED) throw new AlerterFencedError(epoch);
  }

  /** Deliveries whose next attempt is due at `nowMs`, oldest first. */
  async due(nowMs: number, limit: number): Promise<Delivery[]> {
    const jsons = await this.#call('reading the due deliveries', async (r): Promise<(string | null)[]> => {
      const ids = await r.zrangebyscore(this.#keys.outboxDue, '-inf', nowMs, 'LIMIT', 0, limit);
      return ids.length === 0 ? [] : r.hmget(this.#keys.outbox, ...ids);
    });
    return jsons.filter((j): j is string => j !== null).map((j) => JSON.parse(j) as Delivery);
  }

  async outboxSize(): Promise<number> {
    return this.#call('counting the outbox', (r) => r.hlen(this.#keys.outbox));
  }

  /** Removes a delivered (or abandoned) delivery; reschedules a failed one. Returns false when it was gone. */
  async settle(epoch: number, delivery: Delivery, outcome: { retryAtMs: number } | 'done'): Promise<boolean> {
    const k = this.#keys;
    const args: (string | number)[] =
      outcome === 'done'
        ? [epoch, delivery.id, 'done']
        : [epoch, delivery.id, 'retry', JSON.stringify(delivery), outcome.retryAtMs];
    const status = await this.#call('settling a delivery', (r) =>
      r.mmAlerterSettle(3, k.epoch, k.outbox, k.outboxDue, ...args),
    );
    if (status === SCRIPT_STATUS.FENCED) throw new AlerterFencedError(epoch);
    return status === SCRIPT_STATUS.OK;
  }

  /** Every stored silence, earliest start first. */
  async silences(): Promise<Silence[]> {
    const { records, invalid } = parseSilences(
      await this.#call('reading the silences', (r) => r.hgetall(this.#keys.silences)),
    );
    for (const record of invalid) this.#onInvalid('silences', record);
    return records;
  }

  /**
   * The silences ready to match, each compiled once (when first loaded, and again only if its matchers
   * change); one whose pattern does not compile (written around the API) is left out and reported.
   */
  async compiledSilences(): Promise<CompiledSilence[]> {
    return this.#silenceCache.compile(await this.silences(), (silence, error) =>
      this.#onInvalid('silences', {
        id: silence.id,
        reason: `does not compile: ${(error as Error).message}`,
      }),
    );
  }

  async putSilence(silence: Silence): Promise<void> {
    await this.#call('storing a silence', (r) =>
      r.hset(this.#keys.silences, silence.id, JSON.stringify(silence)),
    );
  }

  async getSilence(id: string): Promise<Silence | undefined> {
    const json = await this.#call('reading a silence', (r) => r.hget(this.#keys.silences, id));
    return json === null ? undefined : parseSilences({ [id]: json }).records[0];
  }

  /** Removes silences that ended before `olderThanMs`. */
  async pruneSilences(olderThanMs: number): Promise<number> {
    const stale = (await this.silences()).filter((s) => s.endsAtMs < olderThanMs).map((s) => s.id);
    return stale.length === 0
      ? 0
      : this.#call('pruning silences', (r) => r.hdel(this.#keys.silences, ...stale));
  }

  /** Every stored pause (active, future or ended and not yet pruned), by scope key. */
  async pauses(): Promise<Pause[]> {
    const { records, invalid } = parsePauses(
      await this.#call('reading the pauses', (r) => r.hgetall(this.#keys.pauses)),
    );
    for (const record of invalid) this.#onInvalid('pauses', record);
    return records;
  }

  /** Stores a pause under its scope key: it replaces the scope's earlier pause, if any. */
  async putPause(pause: Pause): Promise<void> {
    await this.#call('storing a pause', (r) =>
      r.hset(this.#keys.pauses, pause.scopeKey, JSON.stringify(pause)),
    );
  }

  async getPause(scopeKey: string): Promise<Pause | undefined> {
    const json = await this.#call('reading a pause', (r) => r.hget(this.#keys.pauses, scopeKey));
    return json === null ? undefined : parsePauses({ [scopeKey]: json }).records[0];
  }

  async removePause(scopeKey: string): Promise<boolean> {
    return (await this.#call('removing a pause', (r) => r.hdel(this.#keys.pauses, scopeKey))) > 0;
  }

  /**
   * Removes pauses that ended before `olderThanMs` (a pause without an end stays until removed). Only
   * while each still holds what was read: a pause set again for the scope meanwhile is kept.
   */
  async prunePauses(olderThanMs: number): Promise<number> {
    const stored = await this.#call('reading the pauses', (r) => r.hgetall(this.#keys.pauses));
    const { records } = parsePauses(stored);
    const stale = records
      .filter((p) => p.untilMs !== undefined && p.untilMs < olderThanMs)
      .flatMap((p) => [p.scopeKey, stored[p.scopeKey] as string]);
    return stale.length === 0
      ? 0
      : this.#call('pruning pauses', (r) => r.mmAlerterPrune(1, this.#keys.pauses, ...stale));
  }

  async lastAlertmanagerPostMs(): Promise<number | undefined> {
    const v = await this.#call('reading the last Alertmanager post', (r) =>
      r.get(this.#keys.alertmanagerPostedMs),
    );
    return v === null ? undefined : Number(v);
  }

  async setLastAlertmanagerPostMs(ms: number): Promise<void> {
    await this.#call('recording an Alertmanager post', (r) =>
      r.set(this.#keys.alertmanagerPostedMs, String(ms)),
    );
  }
}
