import { PassThrough } from 'node:stream';
import { logLevel as KafkaLogLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createLogger, loadConfig } from '@mesh-momentum/common';
import { toKafkaJsConfig } from './client.ts';

/** Drives the kafkajs log creator our clients get with the lines kafkajs writes, into a real pino logger. */
function adapter(level: 'info' | 'debug') {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const logger = createLogger({ name: 'test', level, destination: stream });
  const config = toKafkaJsConfig(loadConfig({ MM_KAFKA_BROKERS: '127.0.0.1:1' }).kafka, { logger });
  const log = config.logCreator?.(KafkaLogLevel.DEBUG);
  if (!log) throw new Error('no log creator');
  return {
    write: (level: KafkaLogLevel, message: string, extra: Record<string, unknown> = {}) =>
      log({ namespace: 'Connection', level, label: 'ERROR', log: { timestamp: 'now', message, ...extra } }),
    lines: () =>
      Buffer.concat(chunks)
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as { level: number; msg: string; lib: string; error?: string }),
  };
}

const PINO = { error: 50, warn: 40, info: 30, debug: 20 };

describe('kafkajs log adapter', () => {
  it('hides the transient states of a normal start from a user at info level', () => {
    const kafka = adapter('info');
    // As kafkajs' Connection logs them while the cluster elects a group coordinator.
    kafka.write(KafkaLogLevel.ERROR, 'Response GroupCoordinator(key: 10, version: 2)', {
      error: 'The group coordinator is not available',
      correlationId: 1,
    });
    kafka.write(KafkaLogLevel.ERROR, 'Response JoinGroup(key: 11, version: 5)', {
      error: "The coordinator is loading and hence can't process requests for this group",
    });
    kafka.write(KafkaLogLevel.ERROR, 'Response Metadata(key: 3, version: 6)', {
      error: 'There is no leader for this topic-partition as we are in the middle of a leadership election',
    });
    expect(kafka.lines()).toEqual([]);
  });

  it('keeps them at debug, and real errors, warnings and info at their level', () => {
    const kafka = adapter('debug');
    kafka.write(KafkaLogLevel.ERROR, 'Response GroupCoordinator(key: 10, version: 2)', {
      error: 'The group coordinator is not available',
    });
    kafka.write(KafkaLogLevel.ERROR, 'Response Produce(key: 0, version: 7)', {
      error: 'The request included a message larger than the max message size the server will accept',
    });
    kafka.write(KafkaLogLevel.ERROR, 'Connection error: connect ECONNREFUSED 127.0.0.1:1');
    kafka.write(KafkaLogLevel.WARN, 'KafkaJS v2.0.0 switched default partitioner');
    kafka.write(
      KafkaLogLevel.WARN,
      'Limiting retries for the idempotent producer may invalidate EoS guarantees',
    );
    kafka.write(KafkaLogLevel.INFO, 'Consumer has joined the group');
    expect(kafka.lines().map((l) => [l.level, l.msg])).toEqual([
      [PINO.debug, 'Response GroupCoordinator(key: 10, version: 2)'],
      [PINO.error, 'Response Produce(key: 0, version: 7)'],
      [PINO.error, 'Connection error: connect ECONNREFUSED 127.0.0.1:1'],
      [PINO.warn, 'KafkaJS v2.0.0 switched default partitioner'],
      // The SDK bounds its retries on purpose: nothing for a user to act on.
      [PINO.debug, 'Limiting retries for the idempotent producer may invalidate EoS guarantees'],
      [PINO.info, 'Consumer has joined the group'],
    ]);
    expect(kafka.lines()[0]).toMatchObject({
      lib: 'kafkajs',
      error: 'The group coordinator is not available',
    });
  });
});
