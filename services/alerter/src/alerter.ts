import type { RedisClient } from '@mesh-momentum/store';
import { alerterKeys, alertmanagerAlerts, evaluate, type Notification } from '@mesh-momentum/alerting';
import type { Logger } from '@mesh-momentum/common';
import { withDeadline } from '@mesh-momentum/service-kit';
import { MomentumReader } from '@mesh-momentum/store';
import { AlertStore, type Delivery } from './alert-store.ts';
import { postToAlertmanager, type Channel } from './channels.ts';
import type { AlerterConfig } from './config.ts';
import { AlerterFencedError, DeliveryFailedError } from './errors.ts';
import { NotifierLease } from './lease.ts';
import { AlerterMetrics } from './metrics.ts';
import { observeAll } from './observe.ts';

/** Deliveries attempted per tick; the rest wait for the next one. */
const DELIVERY_BATCH = 100;

export interface AlerterDeps {
  readonly config: AlerterConfig;
  readonly redis: RedisClient;
  /** MM_REDIS_KEY_PREFIX: the score store's prefix, and the alerter's keys' too. */
  readonly keyPrefix: string;
  readonly channels: readonly Channel[];
  readonly logger: Logger;
  readonly instanceId: string;
  readonly metrics?: AlerterMetrics;
}

/** Exponential back-off: base × 2^(attempts − 1), capped; ms. */
export function retryDelayMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(30, Math.max(0, attempts - 1)));
}

/**
 * The alerter's work, one step at a time and with the time passed in (`nowMs`), so tests drive it
 * with a simulated clock; `AlerterService` calls `tick` on a timer.
 *   1. lease: only the holder evaluates and delivers;
 *   2. evaluate: read every scope, advance the lifecycles, commit states + outbox atomically;
 *   3. deliver: every due outbox entry, each channel independently, concurrently and bounded;
 *   4. Alertmanager: re-post the current alerts each resend period.
 */
export class Alerter {
  readonly store: AlertStore;
  readonly lease: NotifierLease;
  readonly metrics: AlerterMetrics;
  readonly #deps: AlerterDeps;
  readonly #reader: MomentumReader;
  readonly #log: Logger;
  #lastEvaluationOkMs: number | undefined;

  constructor(deps: AlerterDeps) {
    this.#deps = deps;
    const keys = alerterKeys(deps.keyPrefix);
    this.store = new AlertStore(deps.redis, keys, {
      onInvalid: (hash, record) =>
        this.#log.error({ hash, id: record.id, reason: record.reason }, 'stored record unreadable; ignored'),
    });
    this.#log = deps.logger.child({ component: 'alerter' });
    this.lease = new NotifierLease(deps.redis, keys, deps.instanceId, deps.config.leaseTtlMs, {
      onRenewalError: (error) =>
        this.#log.warn(
          { err: error },
          'notifier lease renewal failed; it lapses unless the next one succeeds',
        ),
    });
    this.#reader = new MomentumReader(deps.redis, { prefix: deps.keyPrefix });
    this.metrics = deps.metrics ?? new AlerterMetrics();
  }

  get lastEvaluationOkMs(): number | undefined {
    return this.#lastEvaluationOkMs;
  }

  /** One full step; returns the notifications decided (empty when another instance notifies). */
  async tick(nowMs: number): Promise<Notification[]> {
    const epoch = await this.lease.tick();
    this.metrics.leader.set(epoch === undefined ? 0 : 1);
    if (epoch === undefined) {
      this.metrics.evaluations.inc({ result: 'standby' });
      this.#lastEvaluationOkMs = nowMs; // a standby is healthy: it is ready to take over
      return [];
    }
    try {
      const decided = await this.evaluateOnce(epoch, nowMs);
      await this.deliverDue(epoch, nowMs);
      await this.postAlertmanager(nowMs);
      this.#lastEvaluationOkMs = nowMs;
      return decided;
    } catch (error) {
      if (error instanceof AlerterFencedError) {
        this.metrics.evaluations.inc({ result: 'fenced' });
        this.#log.warn(
          { epoch },
          error.lapsed
            ? 'notifier lease not renewed in time: no send started; standing by until it is renewed'
            : 'lost the notifier lease to another instance; standing by',
        );
        this.lease.lost();
        return [];
      }
      throw error;
    }
  }

  /** Decides: reads the scopes, advances every alert, and commits states with their deliveries. */
  async evaluateOnce(epoch: number, nowMs: number): Promise<Notification[]> {
    const { config } = this.#deps;
    const includeProducts = config.alerting.rules.some((r) => r.scopeKind === 'product' && r.enabled);
    const [observations, states, silences, pauses] = await Promise.all([
      observeAll(this.#reader, includeProducts),
      this.store.states(),
      this.store.compiledSilences(),
      this.store.pauses(),
    ]);
    const result = evaluate({ states, observations, silences, pauses, nowMs, config: config.alerting });
    const deliveries: Delivery[] = result.notifications.flatMap((n) =>
      this.#deps.channels.map((c) => ({
        id: `${n.idempotencyKey}:${c.name}`,
        channel: c.name,
        notification: n,
        attempts: 0,
        decidedAtMs: nowMs,
      })),
    );
    await this.store.commit(epoch, result.states, result.forgotten, deliveries, nowMs);
    this.metrics.evaluations.inc({ result: 'ok' });
    const counts = { pending: 0, firing: 0, resolved: 0 };
    for (const s of result.states.values()) if (s.status !== 'inactive') counts[s.status] += 1;
    for (const [state, n] of Object.entries(counts)) this.metrics.alerts.set({ state }, n);
    for (const t of result.transitions) this.#log.info(t, 'alert transition');
    await this.store.pruneSilences(nowMs - config.alerting.resolvedRetentionMs);
    await this.store.prunePauses(nowMs - config.alerting.resolvedRetentionMs);
    return result.notifications;
  }

  /**
   * True while this instance surely holds the lease with `epoch` until a send started now has ended
   * (its bound, `deliveryTimeoutMs`): another instance cannot take over while the send may still land.
   */
  #maySend(epoch: number): boolean {
    return this.lease.holds(epoch, this.#deps.config.deliveryTimeoutMs);
  }

  /**
   * Attempts every due delivery; channels never wait for each other. Each send starts only while the
   * lease is surely held for the send's whole bound; once it is not, no further send starts and the
   * step ends fenced (AlerterFencedError): the deliveries stay in the outbox for the holder.
   */
  async deliverDue(epoch: number, nowMs: number): Promise<void> {
    const due = await this.store.due(nowMs, DELIVERY_BATCH);
    const byName = new Map(this.#deps.channels.map((c) => [c.name, c]));
    let lapsed = false;
    await Promise.all(
      due.map(async (delivery) => {
        const channel = byName.get(delivery.channel);
        if (!channel) {
          // A channel switched off since the decision: nothing to send it to.
          await this.store.settle(epoch, delivery, 'done');
          this.metrics.deliveries.inc({ channel: delivery.channel, outcome: 'abandoned' });
          return;
        }
        if (lapsed || !this.#maySend(epoch)) {
          lapsed = true;
          return;
        }
        try {
          await this.#send(channel, delivery, nowMs);
          await this.store.settle(epoch, delivery, 'done');
          this.metrics.deliveries.inc({ channel: delivery.channel, outcome: 'delivered' });
        } catch (error) {
          if (error instanceof AlerterFencedError) throw error;
          await this.#failed(epoch, delivery, error, nowMs);
        }
      }),
    );
    this.metrics.outbox.set(await this.store.outboxSize());
    if (lapsed) throw new AlerterFencedError(epoch, { lapsed: true });
  }

  /**
   * One send, bounded by `deliveryTimeoutMs` whatever the channel does (the HTTP channels also abort
   * their request at that bound; the Kafka channel bounds itself the same way): a receiver that never
   * answers fails as retriable and is retried with back-off, and never holds the other channels.
   */
  #send(channel: Channel, delivery: Delivery, nowMs: number): Promise<void> {
    const timeoutMs = this.#deps.config.deliveryTimeoutMs;
    return withDeadline(
      channel.send(delivery.notification, nowMs),
      timeoutMs,
      () => new DeliveryFailedError(channel.name, `no answer within ${timeoutMs} ms`, { retriable: true }),
    );
  }

  async #failed(epoch: number, delivery: Delivery, error: unknown, nowMs: number): Promise<void> {
    const { config } = this.#deps;
    const retriable = error instanceof DeliveryFailedError ? error.retriable : true;
    const attempts = delivery.attempts + 1;
    const tooOld = nowMs - delivery.decidedAtMs >= config.deliveryMaxAgeMs;
    const message = (error as Error).message;
    if (!retriable || tooOld) {
      await this.store.settle(epoch, delivery, 'done');
      this.metrics.deliveries.inc({ channel: delivery.channel, outcome: 'abandoned' });
      this.#log.error({ delivery: delivery.id, attempts, err: error }, 'delivery given up');
      return;
    }
    const retryAtMs = nowMs + retryDelayMs(attempts, config.retryBaseMs, config.retryMaxMs);
    await this.store.settle(epoch, { ...delivery, attempts, lastError: message }, { retryAtMs });
    this.metrics.deliveries.inc({ channel: delivery.channel, outcome: 'retry' });
    this.#log.warn(
      { delivery: delivery.id, attempts, retryAtMs, err: message },
      'delivery failed; will retry',
    );
  }

  /** Re-posts the current alerts to Alertmanager once per resend period (idempotent: it de-duplicates). */
  async postAlertmanager(nowMs: number): Promise<void> {
    const { config } = this.#deps;
    if (!config.alertmanagerUrl) return;
    const epoch = this.lease.epoch;
    // Only the holder posts, and only while it surely holds the lease for the post's whole bound.
    if (epoch === undefined || !this.#maySend(epoch)) return;
    const last = await this.store.lastAlertmanagerPostMs();
    const states = await this.store.states();
    // A transition since the last post is posted at once, not at the next resend.
    const changed = [...states.values()].some(
      (s) => (s.firingSinceMs ?? 0) > (last ?? 0) || (s.resolvedAtMs ?? 0) > (last ?? 0),
    );
    if (!changed && last !== undefined && nowMs - last < config.alerting.alertmanagerResendMs) return;
    const alerts = alertmanagerAlerts(
      states.values(),
      await this.store.compiledSilences(),
      nowMs,
      config.alerting,
    );
    // Checked again right before the post: the reads above may have taken long enough to lose it.
    if (!this.#maySend(epoch)) return;
    try {
      await postToAlertmanager(config.alertmanagerUrl, alerts, config.deliveryTimeoutMs);
      await this.store.setLastAlertmanagerPostMs(nowMs);
      if (alerts.length > 0) this.metrics.deliveries.inc({ channel: 'alertmanager', outcome: 'delivered' });
    } catch (error) {
      // Not in the outbox: the next tick posts the then-current alerts anyway.
      this.metrics.deliveries.inc({ channel: 'alertmanager', outcome: 'retry' });
      this.#log.warn(
        { err: (error as Error).message },
        'Alertmanager post failed; the next tick posts again',
      );
    }
  }
}
