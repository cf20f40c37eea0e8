import type { HealthProbe } from '@mesh-momentum/service-kit';
import type { Logger } from '@mesh-momentum/common';
import type { Alerter } from '../alerter.ts';
import { AlerterFencedError } from '../errors.ts';

/** How often the service looks at the lease and the outbox between evaluations, ms. */
export const DELIVERY_POLL_MS = 1_000;

/**
 * Runs the alerter on the wall clock: a tick every DELIVERY_POLL_MS acquires or renews the lease and
 * delivers what is due; every `evaluationIntervalMs` (or sooner, after `evaluateSoon`) it also
 * evaluates. One tick at a time. The lease also renews on its own timer (every TTL/3), so a step that
 * takes longer than the TTL (slow receivers) does not let another instance take over meanwhile.
 */
export class AlerterService {
  readonly #alerter: Alerter;
  readonly #intervalMs: number;
  readonly #log: Logger;
  readonly #clock: () => number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #lastEvaluationMs = Number.NEGATIVE_INFINITY;
  /** A stall transition was announced: evaluate at the next step. */
  #evaluateSoon = false;
  #lastError: unknown;

  constructor(
    alerter: Alerter,
    options: { evaluationIntervalMs: number; logger: Logger; clock?: () => number },
  ) {
    this.#alerter = alerter;
    this.#intervalMs = options.evaluationIntervalMs;
    this.#log = options.logger;
    this.#clock = options.clock ?? Date.now;
  }

  start(): void {
    this.#alerter.lease.startRenewing();
    const run = () => {
      this.#running ??= this.#step().finally(() => (this.#running = undefined));
    };
    run();
    this.#timer = setInterval(run, DELIVERY_POLL_MS);
  }

  /**
   * Evaluates at the next step (within DELIVERY_POLL_MS) instead of waiting for the interval: called
   * when the store announces a stall transition, so an alert does not wait a whole interval to begin.
   */
  evaluateSoon(): void {
    this.#evaluateSoon = true;
  }

  async #step(): Promise<void> {
    const now = this.#clock();
    try {
      if (this.#evaluateSoon || now - this.#lastEvaluationMs >= this.#intervalMs) {
        // Cleared before the evaluation reads its snapshot: a transition announced while it runs asks
        // for another one, instead of being taken as seen.
        this.#evaluateSoon = false;
        await this.#alerter.tick(now);
        this.#lastEvaluationMs = now;
      } else {
        const epoch = await this.#alerter.lease.tick();
        this.#alerter.metrics.leader.set(epoch === undefined ? 0 : 1);
        if (epoch !== undefined) {
          await this.#alerter.deliverDue(epoch, now);
          // Between evaluations too: Alertmanager resolves an alert not re-sent before its endsAt
          // (4 resend periods), and the evaluation interval may be longer than that.
          await this.#alerter.postAlertmanager(now);
        }
      }
      this.#lastError = undefined;
    } catch (error) {
      if (error instanceof AlerterFencedError) {
        // Another instance took the lease between our renewal and a settlement: stand by.
        this.#alerter.lease.lost();
        return;
      }
      this.#lastError = error;
      this.#log.warn({ err: error }, 'alerter step failed; the next one retries');
    }
  }

  /** Ready while steps succeed and an evaluation succeeded within three intervals. */
  get health(): HealthProbe {
    return {
      live: () => true,
      ready: async () => {
        const last = this.#alerter.lastEvaluationOkMs;
        const evaluating = last !== undefined && this.#clock() - last <= 3 * this.#intervalMs;
        return {
          ready: evaluating && this.#lastError === undefined,
          checks: { evaluating, redis: this.#lastError === undefined },
        };
      },
    };
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#alerter.lease.stopRenewing();
    await this.#running;
    // Hand over at once instead of after the TTL.
    await this.#alerter.lease.release().catch(() => undefined);
  }
}
