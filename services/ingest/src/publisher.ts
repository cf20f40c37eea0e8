import { KafkaUnavailableError, MeshMomentumError, type Config } from '@mesh-momentum/common';
import { validateEvent, withDefaults, type DomainEvent, type EventType } from '@mesh-momentum/events';
import type { MeshMomentumProducer } from '@mesh-momentum/sdk';
import { withDeadline } from '@mesh-momentum/service-kit';

/** What the publisher needs of the SDK producer. */
export type EnqueueingProducer = Pick<MeshMomentumProducer, 'enqueue'>;

/** An event Kafka acknowledged. */
export interface SentEvent {
  readonly ok: true;
  readonly id: string;
  readonly type: string;
}

/** One event's fate in a batch: acknowledged by Kafka, or the error that refused or failed it. */
export type PublishOutcome = SentEvent | { readonly ok: false; readonly error: MeshMomentumError };

/**
 * One group's fate (the events of one tool event, e.g. one ChangeEvent): every event acknowledged, or
 * the error that refused the group before any of it was queued, or failed one of its events.
 */
export type GroupOutcome =
  | { readonly ok: true; readonly sent: readonly SentEvent[] }
  | { readonly ok: false; readonly error: MeshMomentumError };

type RawEvent = Readonly<Record<string, unknown>>;

export interface PublisherOptions {
  /** A request waits this long for Kafka's acknowledgement (acks=all) before answering 503, ms. */
  readonly ackTimeoutMs: number;
  readonly maxFutureSkewMs: number;
  readonly brokers: readonly string[];
  /** ms since the epoch. @defaultValue Date.now */
  readonly clock?: () => number;
}

function asMeshError(error: unknown, brokers: readonly string[]): MeshMomentumError {
  if (error instanceof MeshMomentumError) return error;
  return new KafkaUnavailableError(brokers, String((error as Error)?.message ?? error), { cause: error });
}

/**
 * Sends events through the SDK producer (validation, Avro, acks=all, batching, too-large splitting) and
 * waits for Kafka's answer within `ackTimeoutMs`. Past it the request is answered 503: the events may
 * still reach Kafka afterwards, which is safe because a retry carries the same ids (deterministic for
 * webhooks and polls, the client's own `id` for the API) and the processor counts an id once.
 */
export class Publisher {
  readonly #producer: EnqueueingProducer;
  readonly #options: PublisherOptions;
  readonly #clock: () => number;

  constructor(producer: EnqueueingProducer, options: PublisherOptions) {
    this.#producer = producer;
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
  }

  static fromConfig(producer: EnqueueingProducer, config: Config, ackTimeoutMs: number): Publisher {
    return new Publisher(producer, {
      ackTimeoutMs,
      maxFutureSkewMs: config.maxFutureSkewMs,
      brokers: config.kafka.brokers,
    });
  }

  /** Fills defaults (id, time, subject) and validates; throws EventValidationError naming the field. */
  validate(input: Readonly<Record<string, unknown>>): DomainEvent {
    const nowMs = this.#clock();
    return validateEvent(withDefaults(input, { nowMs }), {
      nowMs,
      maxFutureSkewMs: this.#options.maxFutureSkewMs,
    });
  }

  /**
   * All or nothing as far as the gateway decides: with several events, every one is validated before any
   * is queued, so a bad one sends none (one event is validated once, by the SDK, before it is queued).
   * Resolves when Kafka acknowledged every event; throws the first failure otherwise.
   */
  async publishAll(inputs: readonly RawEvent[]): Promise<SentEvent[]> {
    const [outcome] = await this.publishGroups([inputs]);
    if (outcome && !outcome.ok) throw outcome.error;
    return outcome ? [...outcome.sent] : [];
  }

  /**
   * Several groups, each all or nothing (as {@link publishAll}) and independent of the others: a group
   * with an invalid event is refused without queuing any of its events, and the valid groups are sent
   * all the same (one webhook delivery carrying several tool events). Outcomes in input order.
   */
  async publishGroups(groups: readonly (readonly RawEvent[])[]): Promise<GroupOutcome[]> {
    const refused = new Map<number, MeshMomentumError>();
    const toSend: { readonly group: number; readonly event: RawEvent }[] = [];
    groups.forEach((inputs, group) => {
      try {
        const events = inputs.length > 1 ? inputs.map((input) => this.validate(input)) : inputs;
        for (const event of events) toSend.push({ group, event: event as RawEvent });
      } catch (error) {
        refused.set(group, asMeshError(error, this.#options.brokers));
      }
    });
    const outcomes = await this.#send(toSend.map((s) => s.event));
    const sent = groups.map((): SentEvent[] => []);
    const failed = new Map(refused);
    outcomes.forEach((outcome, i) => {
      const group = (toSend[i] as { group: number }).group;
      if (outcome.ok) (sent[group] as SentEvent[]).push(outcome);
      else if (!failed.has(group)) failed.set(group, outcome.error);
    });
    return groups.map((_, group): GroupOutcome => {
      const error = failed.get(group);
      return error === undefined ? { ok: true, sent: sent[group] as SentEvent[] } : { ok: false, error };
    });
  }

  /**
   * Each event on its own: per-item outcomes, in input order (the batch endpoint). Validation is the
   * SDK's (an invalid item is refused before it is queued), so each event is validated once.
   */
  publishEach(inputs: readonly unknown[]): Promise<PublishOutcome[]> {
    return this.#send(inputs.map((input) => (input ?? {}) as RawEvent));
  }

  async #send(events: readonly RawEvent[]): Promise<PublishOutcome[]> {
    // Filled in as Kafka answers each event; what is still empty at the deadline is answered 503.
    const outcomes = new Array<PublishOutcome | undefined>(events.length);
    const settled = events.map(async (event, i) => {
      const { type, ...input } = event as { type: EventType } & Record<string, unknown>;
      try {
        const delivery = await this.#producer.enqueue(type, input as never);
        await delivery.delivered;
        outcomes[i] = { ok: true, id: delivery.event.id, type: delivery.event.type };
      } catch (error) {
        outcomes[i] = { ok: false, error: asMeshError(error, this.#options.brokers) };
      }
    });
    const late = () =>
      new KafkaUnavailableError(
        this.#options.brokers,
        `no acknowledgement within ${this.#options.ackTimeoutMs} ms (MM_INGEST_ACK_TIMEOUT_MS)`,
      );
    const expired = await withDeadline(Promise.all(settled), this.#options.ackTimeoutMs, late).then(
      () => undefined,
      (error: unknown) => error as KafkaUnavailableError,
    );
    return Array.from(outcomes, (o) => o ?? { ok: false, error: expired ?? late() });
  }
}
