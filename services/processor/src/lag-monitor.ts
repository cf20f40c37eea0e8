import type { Admin } from 'kafkajs';
import type { Gauge } from 'prom-client';
import type { Logger } from '@mesh-momentum/common';

export interface PartitionPosition {
  readonly topic: string;
  readonly partition: number;
  /** Next offset to apply, when known. */
  readonly next: string | undefined;
}

export interface LagMonitorOptions {
  readonly admin: Admin;
  readonly logger: Logger;
  readonly gauge: Gauge<'topic' | 'partition'>;
  /** The assigned partitions and where this instance stands in each. */
  readonly positions: () => readonly PartitionPosition[];
}

/**
 * Measures the true consumer lag from the brokers' high watermarks on a timer. Lag computed from the
 * batches alone freezes at its last value when batches stop arriving (a stalled instance would report
 * 0 while records wait); polling the brokers keeps it honest. Where this instance does not know its
 * position yet, the lag counts from the partition's low watermark (an upper bound).
 */
export class ConsumerLagMonitor {
  readonly #options: LagMonitorOptions;
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  #connected = false;
  #total = 0;
  #current = false;
  #caughtUpAtMs: number | undefined;

  constructor(options: LagMonitorOptions) {
    this.#options = options;
  }

  /** Records waiting across the assigned partitions at the last poll. */
  get total(): number {
    return this.#total;
  }

  /**
   * True while the last poll succeeded. After a failed one (a partition without a leader while brokers
   * are down) `total` is what was true before: a 0 then does not mean that nothing waits.
   */
  get current(): boolean {
    return this.#current;
  }

  /** When a poll last measured nothing waiting (epoch ms), or undefined if none has yet. */
  get caughtUpAtMs(): number | undefined {
    return this.#caughtUpAtMs;
  }

  /** Polls at once (so `current` is true from the start when the brokers answer), then every interval. */
  start(intervalMs: number): void {
    const tick = () => {
      this.#polling ??= this.poll()
        .catch((error: unknown) =>
          this.#options.logger.warn({ err: error }, 'reading high watermarks for the lag failed'),
        )
        .finally(() => (this.#polling = undefined));
    };
    tick();
    this.#timer = setInterval(tick, intervalMs);
    this.#timer.unref();
  }

  /** One measurement: high watermark minus next offset to apply, per assigned partition. */
  async poll(): Promise<void> {
    try {
      await this.#measure();
      this.#current = true;
      if (this.#total === 0) this.#caughtUpAtMs = Date.now();
    } catch (error) {
      this.#current = false;
      throw error;
    }
  }

  async #measure(): Promise<void> {
    const positions = this.#options.positions();
    if (!this.#connected) {
      await this.#options.admin.connect();
      this.#connected = true;
    }
    const byTopic = new Map<string, PartitionPosition[]>();
    for (const p of positions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p]);
    let total = 0;
    for (const [topic, assigned] of byTopic) {
      const offsets = await this.#options.admin.fetchTopicOffsets(topic);
      for (const { partition, next } of assigned) {
        const watermarks = offsets.find((o) => o.partition === partition);
        if (!watermarks) continue;
        const from = BigInt(next ?? watermarks.low);
        const lag = Number(BigInt(watermarks.high) > from ? BigInt(watermarks.high) - from : 0n);
        this.#options.gauge.set({ topic, partition: String(partition) }, lag);
        total += lag;
      }
    }
    this.#total = total;
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#polling;
    if (this.#connected) await this.#options.admin.disconnect().catch(() => undefined);
    this.#connected = false;
  }
}
