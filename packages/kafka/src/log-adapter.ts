import { logLevel as KafkaLogLevel, type LogEntry, type logCreator } from 'kafkajs';
import type { Logger } from '@mesh-momentum/common';

/**
 * Routes kafkajs' own log lines into our pino logger, under `lib: kafkajs`, at the level they deserve.
 *
 * kafkajs logs every error answer of the broker at ERROR, including the states every cluster passes
 * through on a normal start or rebalance: the group coordinator not elected yet, the coordinator still
 * loading the group's offsets, a partition leader being elected. kafkajs retries them itself, and a
 * state that does not clear ends in an error the caller sees (and reports) anyway, so these lines are
 * noise to a user: they go to debug. Everything else keeps its level.
 */

/** The kafkajs protocol-error messages (src/protocol/error.js) of transient cluster states. */
export const TRANSIENT_KAFKA_ERRORS: readonly string[] = [
  // GROUP_COORDINATOR_NOT_AVAILABLE (15): the __consumer_offsets leader is not elected yet.
  'The group coordinator is not available',
  // GROUP_LOAD_IN_PROGRESS (14): the coordinator is still reading the group's offsets.
  "The coordinator is loading and hence can't process requests for this group",
  // NOT_COORDINATOR_FOR_GROUP (16): the coordinator moved; kafkajs looks it up again.
  'This is not the correct coordinator for this group',
  // LEADER_NOT_AVAILABLE (5): a partition leader election in progress (new topic, broker restart).
  'There is no leader for this topic-partition as we are in the middle of a leadership election',
  // REBALANCE_IN_PROGRESS (27): another member joined or left; kafkajs rejoins.
  'The group is rebalancing, so a rejoin is needed',
];

const TRANSIENT = new Set(TRANSIENT_KAFKA_ERRORS);

/**
 * kafkajs warnings about choices this project makes on purpose, with the reason written where the
 * choice is made: a warning a user can do nothing about is noise.
 */
export const EXPECTED_KAFKA_WARNINGS: readonly string[] = [
  // The SDK bounds an idempotent producer's retries so a dead cluster ends in an error, not a hang
  // (packages/sdk/src/transport.ts); the broker still de-duplicates the retries it makes.
  'Limiting retries for the idempotent producer may invalidate EoS guarantees',
];

const EXPECTED_WARNINGS = new Set(EXPECTED_KAFKA_WARNINGS);

export type PinoLevel = 'error' | 'warn' | 'info' | 'debug';

/** The pino level of one kafkajs log line. */
export function levelOfKafkaLog(level: KafkaLogLevel, log: LogEntry['log']): PinoLevel {
  switch (level) {
    case KafkaLogLevel.ERROR: {
      const detail = (log as { error?: unknown }).error;
      const transient = TRANSIENT.has(log.message) || (typeof detail === 'string' && TRANSIENT.has(detail));
      return transient ? 'debug' : 'error';
    }
    case KafkaLogLevel.WARN:
      return EXPECTED_WARNINGS.has(log.message) ? 'debug' : 'warn';
    case KafkaLogLevel.INFO:
      return 'info';
    default:
      return 'debug';
  }
}

export function pinoLogCreator(logger: Logger): logCreator {
  // `lib`, not `component`: the caller's logger usually carries a component already.
  const child = logger.child({ lib: 'kafkajs' });
  return () =>
    ({ level, log }) => {
      const { message, ...rest } = log;
      child[levelOfKafkaLog(level, log)](rest, message);
    };
}

/** kafkajs log level that matches the pino level, so kafkajs does not format lines pino would drop. */
export function kafkaLogLevelFor(logger: Logger): KafkaLogLevel {
  switch (logger.level) {
    case 'trace':
    case 'debug':
      return KafkaLogLevel.DEBUG;
    case 'info':
      return KafkaLogLevel.INFO;
    case 'warn':
      return KafkaLogLevel.WARN;
    case 'silent':
      return KafkaLogLevel.NOTHING;
    default:
      return KafkaLogLevel.ERROR;
  }
}
