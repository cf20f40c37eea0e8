import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { createLogger, loadConfig, type Config } from '@mesh-momentum/common';
import { CE_HEADERS } from '@mesh-momentum/events';
import { createKafka, ensureTopics } from '@mesh-momentum/kafka';
import { isolatedEnv, waitFor } from '@mesh-momentum/testing';
import { runCli } from './support/cli.ts';

/**
 * The CLI as a user runs it: a child process with MM_* variables, bulk-loading an NDJSON file with
 * bad lines. Good lines reach the topic, bad ones are reported by line number, the exit code is 1.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURE = resolve(ROOT, 'test/fixtures/bulk-with-bad-lines.ndjson');
const GOOD_LINES = 18;
const BAD_LINES = [3, 6, 9, 12, 15];

describe('mesh-momentum emit --file (child process)', () => {
  let env: Record<string, string>;
  let config: Config;
  let consumer: Consumer;
  const received: KafkaMessage[] = [];

  beforeAll(async () => {
    env = isolatedEnv(inject('services'), { name: 'cli-bulk' });
    config = loadConfig(env);
    const kafka = createKafka(config.kafka, {
      logger: createLogger({ name: 'test', level: config.logLevel }),
    });
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, { ...config.topics });
    await admin.disconnect();
    consumer = kafka.consumer({ groupId: `${config.kafka.clientId}-reader` });
    await consumer.connect();
    await consumer.subscribe({ topic: config.topics.events, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push(message);
      },
    });
  });

  afterAll(async () => {
    await consumer?.disconnect();
  });

  it('sends the good lines, reports the bad ones by line number and exits 1', async () => {
    const result = await runCli(['emit', '--file', FIXTURE], env);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain(`sent ${GOOD_LINES}, refused ${BAD_LINES.length}`);
    const reported = [...result.stderr.matchAll(/^line (\d+): /gm)].map((m) => Number(m[1]));
    expect(reported).toEqual(BAD_LINES);
    expect(result.stderr).toMatch(/^line 3: not JSON/m);
    expect(result.stderr).toMatch(/^line 12: personId: .*; role: must be one of/m);
    expect(result.stderr).toMatch(/^line 15: time: .* in the future/m);

    await waitFor(() => (received.length >= GOOD_LINES ? true : undefined), {
      what: `${GOOD_LINES} records on ${config.topics.events}`,
    });
    // Give stragglers (there should be none) a moment before counting exactly.
    await new Promise((r) => setTimeout(r, 500));
    expect(received).toHaveLength(GOOD_LINES);
    const ids = received.map((m) => m.headers?.[CE_HEADERS.id]?.toString()).sort();
    const expected = Array.from({ length: 24 }, (_, i) => i + 1)
      .filter((line) => !BAD_LINES.includes(line) && line !== 18)
      .map((line) => `bulk-${line}`)
      .sort();
    expect(ids).toEqual(expected);
  });

  it('--json puts a machine-readable summary on stdout', async () => {
    const result = await runCli(['emit', '--file', FIXTURE, '--json', '--dry-run'], env);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout) as {
      sent: number;
      refused: number;
      refusals: { line: number }[];
    };
    expect(summary.sent).toBe(GOOD_LINES);
    expect(summary.refused).toBe(BAD_LINES.length);
    expect(summary.refusals.map((r) => r.line)).toEqual(BAD_LINES);
  });

  it('exits 3 when Kafka is unreachable', async () => {
    const result = await runCli(['topics', 'create'], { ...env, MM_KAFKA_BROKERS: '127.0.0.1:1' });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/Kafka at 127\.0\.0\.1:1/);
  }, 60_000);
});
