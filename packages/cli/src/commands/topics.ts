import { TopicReplicationFactorError } from '@mesh-momentum/common';
import { createKafka, ensureTopics } from '@mesh-momentum/kafka';
import { commandContext } from '../context.ts';
import { EXIT_CODES, type ExitCode } from '../exit-codes.ts';
import { messageOf } from '../failures.ts';
import { writeJson, writeLine, type CliIo } from '../io.ts';
import type { OutputOptions } from './schemas.ts';

/** Creates the events and dead-letter topics (MM_TOPIC_*) that do not exist yet; existing ones are kept. */
export async function topicsCreateCommand(options: OutputOptions, io: CliIo): Promise<ExitCode> {
  const { config, logger } = commandContext(io);
  const admin = createKafka(config.kafka, { logger, clientId: `${config.kafka.clientId}-cli` }).admin();
  try {
    await admin.connect();
    const result = await ensureTopics(admin, { ...config.topics });
    if (options.json) writeJson(io.stdout, result);
    else {
      for (const t of result.created) writeLine(io.stdout, `created  ${t}`);
      for (const t of result.existing) writeLine(io.stdout, `existing ${t}`);
    }
    return EXIT_CODES.OK;
  } catch (error) {
    if (options.json) writeJson(io.stdout, { error: messageOf(error) });
    writeLine(io.stderr, `error: Kafka at ${config.kafka.brokers.join(',')}: ${messageOf(error)}`);
    // Too many replicas for the cluster is a setting to change, not a service to wait for.
    return error instanceof TopicReplicationFactorError ? EXIT_CODES.USAGE : EXIT_CODES.UNREACHABLE;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
