import { ErrorCodes, MeshMomentumError, type MeshMomentumErrorOptions } from '@mesh-momentum/common';

/** `whenQueueFull: 'fail'` and `maxQueuedEvents` events are outstanding. Retriable: try again later. */
export class ProducerQueueFullError extends MeshMomentumError {
  readonly maxQueuedEvents: number;

  constructor(maxQueuedEvents: number) {
    super(
      ErrorCodes.PRODUCER_QUEUE_FULL,
      `producer queue is full (${maxQueuedEvents} events not yet acknowledged by Kafka)`,
      { retriable: true },
    );
    this.maxQueuedEvents = maxQueuedEvents;
  }
}

/** `emit` after `close()` was called. */
export class ProducerClosedError extends MeshMomentumError {
  constructor() {
    super(ErrorCodes.PRODUCER_CLOSED, 'producer is closed (or closing): it accepts no new events');
  }
}

/**
 * Kafka did not acknowledge a batch after the configured retries. `retriable` tells whether sending
 * the same events again (same ids, so duplicates are ignored downstream) may succeed.
 */
export class ProducerSendFailedError extends MeshMomentumError {
  readonly topic: string;
  /** Events of the failed batch; this event's promise is one of them. */
  readonly batchSize: number;

  constructor(topic: string, batchSize: number, options: MeshMomentumErrorOptions) {
    const detail = options.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(
      ErrorCodes.PRODUCER_SEND_FAILED,
      `Kafka did not acknowledge a batch of ${batchSize} events to ${topic}${detail}`,
      options,
    );
    this.topic = topic;
    this.batchSize = batchSize;
  }
}
