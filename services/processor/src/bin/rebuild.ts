import { createInterface } from 'node:readline/promises';
import { commandLine, connectRuntime } from '@mesh-momentum/service-kit';
import { PROCESSOR_SECTION } from '../config.ts';
import { rebuildScores } from '../rebuild.ts';
import { loadScoringConfig } from '../scoring-config.ts';

/**
 * `pnpm scores:rebuild`: replays the events topic into a fresh Redis namespace, switches readers to it and
 * removes the old one, while live processors keep running. Progress on stderr, the result on stdout.
 * Destructive (the old namespace's keys are deleted), so it asks first on a terminal, and elsewhere runs
 * only with --yes.
 */
const { values } = commandLine({
  name: 'scores:rebuild',
  synopsis: '[--yes]',
  description:
    'Replays the events topic (MM_TOPIC_EVENTS) from its start into a fresh Redis namespace of MM_REDIS_KEY_PREFIX,\n' +
    'switches readers to it atomically, then deletes the old namespace. Live processors keep running.\n' +
    "Configured by the processor's MM_* variables (Kafka, registry, Redis, scoring config).",
  optionHelp: ['-y, --yes    rebuild without asking (needed when standard input is not a terminal)'],
  options: { yes: { type: 'boolean', short: 'y', default: false } },
});

/** Whether to go ahead: --yes, else a "yes" typed on the terminal; never without either. */
async function confirmed(what: string): Promise<boolean> {
  if (values.yes) return true;
  if (!process.stdin.isTTY) {
    console.error(`scores:rebuild: ${what}; standard input is not a terminal, so pass --yes to go ahead`);
    return false;
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await prompt.question(`${what}. Go ahead? [y/N] `);
  prompt.close();
  return /^y(es)?$/i.test(answer.trim());
}

async function main(): Promise<number> {
  const runtime = await connectRuntime('rebuild', process.env, PROCESSOR_SECTION);
  const { redis, config } = runtime;
  try {
    const what = `this replays topic ${config.topics.events} into a new namespace of key prefix "${config.redis.keyPrefix}" and deletes the current one`;
    if (!(await confirmed(what))) return 2;
    const scoring = loadScoringConfig(config.scoringConfigFile);
    let lastPrinted = 0;
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
    return 0;
  } finally {
    redis.disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`rebuild failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
