import { Partitioners, type Kafka } from 'kafkajs';
import { createLogger, type Logger } from '@mesh-momentum/common';
import {
  EventCodec,
  RegistryClient,
  registryOptionsFrom,
  toKafkaMessage,
  validateEvent,
  type DomainEvent,
} from '@mesh-momentum/events';
import { createKafka, ensureTopics } from '@mesh-momentum/kafka';
import { Processor, PROCESSOR_SECTION, type ProcessorConfig } from '@mesh-momentum/processor';
import { DEFAULT_SCORING_CONFIG, type ScoringConfig } from '@mesh-momentum/scoring';
import { createRedis } from '@mesh-momentum/service-kit';
import { INITIAL_NAMESPACE, scanKeys, unlinkMatching, type RedisClient } from '@mesh-momentum/store';
import { isolatedConfig, type IsolatedEnvOptions, type ServiceEndpoints } from '@mesh-momentum/testing';

/** An isolated installation's configuration with the processor's section (what a TestPipeline runs on). */
export function processorConfig(endpoints: ServiceEndpoints, options: IsolatedEnvOptions): ProcessorConfig {
  return isolatedConfig(endpoints, options, PROCESSOR_SECTION);
}

/**
 * One isolated pipeline on the shared test services: its own topics and key prefix (from
 * `isolatedConfig`), a producer helper, and processors started in this process.
 */
export class TestPipeline {
  readonly config: ProcessorConfig;
  readonly logger: Logger;
  readonly kafka: Kafka;
  readonly redis: RedisClient;
  readonly codec: EventCodec;
  readonly processors: Processor[] = [];

  constructor(config: ProcessorConfig) {
    this.config = config;
    this.logger = createLogger({ name: 'test', level: config.logLevel });
    this.kafka = createKafka(config.kafka, { logger: this.logger });
    // The services' own client: every command bounded, in-flight commands settled after a reconnect.
    this.redis = createRedis(config.redis, this.logger.child({ component: 'redis' }));
    this.codec = new EventCodec(new RegistryClient(registryOptionsFrom(config)));
  }

  async createTopics(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    await ensureTopics(admin, { ...this.config.topics });
    await admin.disconnect();
  }

  /** Produces events (validated, Avro-encoded, CloudEvents headers) in chunks; returns how many. */
  async produce(events: readonly object[], chunkSize = 500): Promise<number> {
    const producer = this.kafka.producer({
      idempotent: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    try {
      for (let i = 0; i < events.length; i += chunkSize) {
        const chunk = events.slice(i, i + chunkSize);
        const messages = await Promise.all(
          chunk.map(async (raw) => {
            const event: DomainEvent = validateEvent(raw, { nowMs: Date.now(), maxFutureSkewMs: 300_000 });
            return toKafkaMessage(event, await this.codec.encode(event.type, { ...event }));
          }),
        );
        await producer.send({ topic: this.config.topics.events, messages });
      }
    } finally {
      await producer.disconnect();
    }
    return events.length;
  }

  async startProcessor(
    options: {
      clock?: () => number;
      scoring?: ScoringConfig;
      beforeApply?: (topic: string, partition: number) => Promise<void>;
    } = {},
  ): Promise<Processor> {
    await this.redis.set(`${this.config.redis.keyPrefix}:namespace`, INITIAL_NAMESPACE, 'NX');
    const processor = new Processor({
      config: this.config,
      scoring: options.scoring ?? DEFAULT_SCORING_CONFIG,
      kafka: this.kafka,
      redis: this.redis,
      codec: this.codec,
      logger: this.logger,
      namespace: INITIAL_NAMESPACE,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.beforeApply ? { beforeApply: options.beforeApply } : {}),
    });
    await processor.start();
    this.processors.push(processor);
    return processor;
  }

  /** Every key matching the pattern, on every master of a cluster (KEYS would ask one node only). */
  async keysMatching(match: string): Promise<string[]> {
    const found: string[] = [];
    for await (const batch of scanKeys(this.redis, match)) found.push(...batch);
    return found.sort();
  }

  /** Stops processors and deletes every key of this pipeline's prefix. */
  async close(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.stop()));
    await unlinkMatching(this.redis, `${this.config.redis.keyPrefix}:*`);
    this.redis.disconnect();
  }
}
