import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { createLogger, loadConfig, type Config } from '@mesh-momentum/common';
import { createKafka, ensureTopics, waitForLeaders } from '@mesh-momentum/kafka';
import { isolatedEnv } from '@mesh-momentum/testing';
import { runCli } from './support/cli.ts';

/**
 * An event larger than its topic accepts is the data's fault, not the infrastructure's: against the
 * real broker, with an events topic limited to 4 KiB (`max.message.bytes`), the CLI refuses the
 * oversized event with MM_ERR_EVENT_TOO_LARGE and exit code 1 (it used to exit 3, "infrastructure"),
 * and in a bulk load the lines around it are still sent.
 */

const TOPIC_MAX_BYTES = 4096;

/** A valid UseCaseDelivered of about 8 KB: 40 product ids of 200 bytes, each within the id limit. */
function oversized(): Record<string, unknown> {
  return {
    type: 'UseCaseDelivered',
    domain: 'payments',
    useCaseId: 'uc-big',
    productIds: Array.from(
      { length: 40 },
      (_, i) => `payments.${String(i).padStart(3, '0')}.${'p'.repeat(186)}`,
    ),
    risk: 'low',
    estimatedAnnualValue: '1000.00',
    currency: 'EUR',
  };
}

const small = (n: number) => ({
  type: 'ChampionGained',
  id: `small-${n}`,
  domain: 'payments',
  personId: `p-${n}`,
  role: 'champion',
});

describe('an event too large for its topic (real broker)', () => {
  let env: Record<string, string>;
  let config: Config;
  let admin: Admin;

  beforeAll(async () => {
    env = isolatedEnv(inject('services'), { name: 'cli-oversize' });
    config = loadConfig(env);
    admin = createKafka(config.kafka, { logger: createLogger({ name: 'test', level: 'warn' }) }).admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: config.topics.events,
          numPartitions: 1,
          configEntries: [{ name: 'max.message.bytes', value: String(TOPIC_MAX_BYTES) }],
        },
      ],
      waitForLeaders: false,
    });
    await waitForLeaders(admin, [config.topics.events]);
    await ensureTopics(admin, { ...config.topics, partitions: 1 });
  });

  afterAll(async () => {
    await admin?.deleteTopics({ topics: [config.topics.events, config.topics.deadLetter] }).catch(() => {});
    await admin?.disconnect();
  });

  it('single emit: refused as MM_ERR_EVENT_TOO_LARGE with exit code 1, not 3', async () => {
    const { type, ...fields } = oversized();
    const result = await runCli(['emit', String(type), '--data', JSON.stringify(fields), '--json'], env);
    expect(result.code, result.stderr).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ sent: false, code: 'MM_ERR_EVENT_TOO_LARGE' });
    expect(result.stderr).toMatch(/^refused: \(event\): event of \d+ bytes is larger than topic/m);
  });

  it('bulk: the oversized line is refused by number, the lines around it are sent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-oversize-'));
    const lines = [small(1), small(2), oversized(), small(3), small(4)].map((e) => JSON.stringify(e));
    writeFileSync(join(dir, 'events.ndjson'), `${lines.join('\n')}\n`);
    const result = await runCli(['emit', '--file', 'events.ndjson'], env, dir);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain('sent 4, refused 1');
    expect(result.stderr).toMatch(/^line 3: \(event\): event of \d+ bytes is larger than topic/m);

    const offsets = await admin.fetchTopicOffsets(config.topics.events);
    expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(4);
  });
});
