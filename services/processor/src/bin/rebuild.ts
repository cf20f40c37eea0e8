import { Redis } from 'ioredis';
import { createLogger, loadConfig } from '@mesh-momentum/common';
import { EventCodec, RegistryClient, registryOptionsFrom } from '@mesh-momentum/events';
import { createKafka } from '@mesh-momentum/kafka';
import { rebuildScores } from '../rebuild.ts';
import { loadScoringConfig } from '../scoring-config.ts';

/**
 * `pnpm rebuild`: replays the events topic into a fresh Redis namespace, switches readers to it and
 * removes the old one, while live processors keep running. Progress on stderr, the result on stdout.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const scoring = loadScoringConfig(config.scoringConfigFile);
  const logger = createLogger({ name: 'rebuild', level: config.logLevel });
  const kafka = createKafka(config.kafka, { logger, clientId: `${config.kafka.clientId}-rebuild` });
  const redis = new Redis(config.redis.url);
  const codec = new EventCodec(new RegistryClient(registryOptionsFrom(config)));
  let lastPrinted = 0;
  try {
    const result = await rebuildScores({
      config,
      scoring,
      kafka,
      redis,
      codec,
      logger,
      onProgress: (done, total) => {
        if (Date.now() - lastPrinted < 1_000 && done < total) return;
        lastPrinted = Date.now();
        process.stderr.write(`rebuild: ${done}/${total} records replayed\n`);
      },
    });
    console.log(
      `rebuilt ${result.records} records into namespace ${result.to} in ${(result.durationMs / 1000).toFixed(1)} s; ` +
        `readers switched from ${result.from}; ${result.deletedKeys} old keys removed`,
    );
  } finally {
    redis.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(`rebuild failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
