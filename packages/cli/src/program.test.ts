import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from './exit-codes.ts';
import type { CliIo } from './io.ts';
import { run } from './program.ts';

/** Command-line handling that needs no services: help, usage errors, configuration errors. */

function io(env: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const cli: CliIo = { env, stdout, stderr, stdin: new PassThrough(), cwd: process.cwd() };
  return { cli, out: () => out.join(''), err: () => err.join('') };
}

describe('mesh-momentum command line', () => {
  it.each([
    [['--help']],
    [['emit', '--help']],
    [['schemas', 'check', '--help']],
    [['topics', 'create', '--help']],
  ])('%j prints help with the exit codes and exits 0', async (args) => {
    const t = io();
    expect(await run(args, t.cli)).toBe(EXIT_CODES.OK);
    expect(t.out()).toMatch(/Usage: mesh-momentum/);
    expect(t.out()).toMatch(/3 {2}infrastructure: Kafka or the schema registry unreachable/);
  });

  it('exits 2 on an unknown command or option', async () => {
    const t = io();
    expect(await run(['launch'], t.cli)).toBe(EXIT_CODES.USAGE);
    expect(t.err()).toMatch(/unknown command/);
    expect(await run(['topics', 'create', '--force'], io().cli)).toBe(EXIT_CODES.USAGE);
  });

  it('exits 2 on an unknown event type, an unknown field or bad --data, naming the problem', async () => {
    const unknownType = io();
    expect(await run(['emit', 'ChampionWon', '--domain', 'x'], unknownType.cli)).toBe(EXIT_CODES.USAGE);
    expect(unknownType.err()).toMatch(/unknown event type "ChampionWon"/);

    const unknownField = io();
    expect(await run(['emit', 'ChampionGained', '--colour', 'red'], unknownField.cli)).toBe(EXIT_CODES.USAGE);
    expect(unknownField.err()).toMatch(/--colour is not a field of ChampionGained/);

    const badData = io();
    expect(await run(['emit', 'ChampionGained', '--data', '{nope'], badData.cli)).toBe(EXIT_CODES.USAGE);
    expect(badData.err()).toMatch(/--data is not JSON/);
  });

  it('exits 2 when --file is missing or mixed with a type', async () => {
    const missing = io();
    expect(await run(['emit', '--file', 'does-not-exist.ndjson'], missing.cli)).toBe(EXIT_CODES.USAGE);
    expect(missing.err()).toMatch(/cannot read --file does-not-exist.ndjson/);
    expect(await run(['emit', 'ChampionGained', '--file', 'x.ndjson'], io().cli)).toBe(EXIT_CODES.USAGE);
  });

  it('exits 2 with the ConfigError message on bad MM_* configuration', async () => {
    const t = io({ MM_KAFKA_BROKERS: 'not a broker', MM_TOPIC_EVENT: 'typo' });
    expect(await run(['emit', 'ChampionGained', '--domain', 'x'], t.cli)).toBe(EXIT_CODES.USAGE);
    expect(t.err()).toMatch(
      /MM_ERR_CONFIG_INVALID.*MM_TOPIC_EVENT: unknown variable \(did you mean MM_TOPIC_EVENTS\?\)/,
    );
    expect(t.err()).toMatch(/MM_KAFKA_BROKERS/);
  });
});
