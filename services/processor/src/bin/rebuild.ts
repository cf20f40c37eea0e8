import { connectRuntime } from '@mesh-momentum/service-kit';
import { PROCESSOR_SECTION } from '../config.ts';
import { rebuildScores } from '../rebuild.ts';
import { loadScoringConfig } from '../scoring-config.ts';

/**
 * `pnpm scores:rebuild`: replays the events topic into a fresh Redis namespace, switches readers to it and
 * removes the old one, while live processors keep running. Progress on stderr, the result on stdout.
 */
async function main(): Promise<void> {
  const runtime = await connectRuntime('rebuild', process.env, PROCESSOR_SECTION);
  const scoring = loadScoringConfig(runtime.config.scoringConfigFile);
  const { redis } = runtime;
  let lastPrinted = 0;
  try {
    const result = await rebuildScores({
      ...runtime,
      scoring,
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
