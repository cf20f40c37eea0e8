import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isolatedEnv, REPO_ROOT, waitFor } from '@mesh-momentum/testing';
import { INITIAL_NAMESPACE, keys } from '@mesh-momentum/store';
import { Redis } from 'ioredis';
import avro from 'avsc';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { loadConfig } from '@mesh-momentum/common';
import { RegistryClient, registryOptionsFrom, unframe } from '@mesh-momentum/events';
import { AlerterProcess, DAY_MS, Receiver, rhythm, ScoreDriver } from './support/alerter-harness.ts';

const run = promisify(execFile);

/**
 * The alerter as its own process (`pnpm alerter`): it starts from MM_* variables, evaluates on its
 * timer, delivers to the webhook and the alerts topic (Avro, registered schema), serves /healthz, /readyz, /metrics and the silences API (also
 * through `pnpm alerter:silence`), and hands its lease over on SIGTERM.
 */
/**
 * An alerter process of its own per describe block: isolated MM_* variables, a webhook receiver, a Redis
 * client on the same key prefix (namespace pointer set), and the clean-up of all three.
 */
function alerterFixture(name: string, extra: Record<string, string>) {
  const env = isolatedEnv(inject('services'), {
    name,
    env: { MM_LOG_LEVEL: 'info', MM_ALERTER_HTTP_PORT: '0', MM_ALERTER_FOR_MS: '0', ...extra },
  });
  const fixture = {
    env,
    prefix: env['MM_REDIS_KEY_PREFIX']!,
    receiver: new Receiver(),
    redis: undefined as unknown as Redis,
    alerter: undefined as AlerterProcess | undefined,
  };
  beforeAll(async () => {
    await fixture.receiver.start();
    fixture.redis = new Redis(env['MM_REDIS_URL']!);
    await fixture.redis.set(keys.namespacePointer(fixture.prefix), INITIAL_NAMESPACE);
  });
  afterAll(async () => {
    await fixture.alerter?.stop();
    await fixture.receiver.stop();
    const leftovers = await fixture.redis.keys(`${fixture.prefix}:*`);
    if (leftovers.length > 0) await fixture.redis.unlink(...leftovers);
    fixture.redis.disconnect();
  });
  return fixture;
}

describe('alerter process', () => {
  const fixture = alerterFixture('alerter-process', { MM_ALERTER_EVALUATION_INTERVAL_MS: '1000' });
  const { env, prefix, receiver } = fixture;
  let consumer: Consumer | undefined;
  afterAll(async () => {
    await consumer?.disconnect();
  });

  it('notifies, reports its state, manages silences and hands over on SIGTERM', async () => {
    const now = Date.now();
    const { redis } = fixture;
    const driver = new ScoreDriver(redis, { prefix, namespace: INITIAL_NAMESPACE });
    await driver.apply(rhythm('hr', 'hr.payroll', now - 220 * DAY_MS, now - 40 * DAY_MS, 7), now);
    await driver.refresh(now);

    const alertsTopic = `${env['MM_TOPIC_EVENTS']!.replace(/\.events$/, '')}.alerts`;
    const alertsOnTopic: KafkaMessage[] = [];
    const alerter = (fixture.alerter = new AlerterProcess({
      ...env,
      MM_ALERTER_WEBHOOK_URL: receiver.url,
      MM_ALERTER_KAFKA_TOPIC: alertsTopic,
    }));
    const url = await alerter.url();
    consumer = new Kafka({
      brokers: env['MM_KAFKA_BROKERS']!.split(','),
      logLevel: logLevel.NOTHING,
    }).consumer({
      groupId: `${prefix}-alerts-reader`,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: alertsTopic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void alertsOnTopic.push(message) });
    // Generous bounds: on a Kafka started moments ago, the alerts topic's creation and the group
    // coordinator can take tens of seconds (seen once right after `infra up`).
    await waitFor(async () => ((await fetch(`${url}/readyz`)).ok ? true : undefined), {
      what: 'readiness',
      timeoutMs: 60_000,
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // The mesh's and each domain's notifications are separate requests, sent side by side.
    const firingNames = () =>
      receiver
        .alerts('firing')
        .map((a) => a.labels['alertname'])
        .sort();
    await waitFor(() => (new Set(firingNames()).size >= 3 ? true : undefined), {
      what: 'notifications of the three kinds of stall',
      timeoutMs: 60_000,
    });
    expect(firingNames()).toEqual(['DomainMomentumStalled', 'MeshMomentumStalled', 'ProductMomentumStalled']);

    // The alerts topic: one Avro record per alert, keyed by fingerprint, decodable through the registry.
    const records = await waitFor(() => (alertsOnTopic.length >= 3 ? alertsOnTopic : undefined), {
      what: 'three alert records on the alerts topic',
      timeoutMs: 30_000,
    });
    const registry = new RegistryClient(registryOptionsFrom(loadConfig(env)));
    const decoded = await Promise.all(
      records.map(async (m) => {
        const { schemaId, body } = unframe(m.value);
        const type = avro.Type.forSchema(JSON.parse(await registry.schemaText(schemaId)) as avro.Schema);
        return {
          key: m.key?.toString(),
          header: m.headers?.['mm_idempotency-key']?.toString(),
          record: type.fromBuffer(body) as {
            fingerprint: string;
            status: string;
            notificationId: string;
            alertname: string;
          },
        };
      }),
    );
    for (const d of decoded) {
      expect(d.key).toBe(d.record.fingerprint);
      expect(d.header).toBe(d.record.notificationId);
      expect(d.record.status).toBe('firing');
    }
    expect(decoded.map((d) => d.record.alertname).sort()).toEqual([
      'DomainMomentumStalled',
      'MeshMomentumStalled',
      'ProductMomentumStalled',
    ]);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/mm_alerter_alerts\{state="firing"\} 3/);
    expect(metrics).toMatch(/mm_alerter_deliveries_total\{channel="webhook",outcome="delivered"\} [1-9]/);
    expect(metrics).toMatch(/mm_alerter_is_notifier 1/);

    // Silences: a bad request names its fields; the CLI adds, lists and expires.
    const bad = await fetch(`${url}/api/silences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ matchers: ['domain=hr'] }),
    });
    expect(bad.status).toBe(400);
    const refusal = (await bad.json()) as { code: string; issues: { field: string }[] };
    expect(refusal.code).toBe('MM_ERR_SILENCE_INVALID');
    expect(refusal.issues.map((i) => i.field)).toEqual(['endsAtMs', 'createdBy', 'comment']);

    const cli = (...args: string[]) =>
      run(
        process.execPath,
        ['--conditions=@mesh-momentum/source', 'services/alerter/src/bin/silence.ts', ...args, '--url', url],
        {
          cwd: REPO_ROOT,
        },
      );
    const added = JSON.parse(
      (
        await cli(
          'add',
          '--matcher',
          'domain=hr',
          '--duration',
          '2h',
          '--by',
          'lead@example.com',
          '--comment',
          'reorg',
        )
      ).stdout,
    ) as { id: string; endsAtMs: number; matchers: unknown[] };
    expect(added.matchers).toEqual([{ name: 'domain', value: 'hr', isRegex: false, isEqual: true }]);
    const listed = JSON.parse((await cli('list')).stdout) as { id: string }[];
    expect(listed.map((s) => s.id)).toEqual([added.id]);
    const expired = JSON.parse((await cli('expire', added.id)).stdout) as { endsAtMs: number };
    expect(expired.endsAtMs).toBeLessThan(added.endsAtMs);
    await expect(cli('expire', 'no-such-id')).rejects.toMatchObject({ code: 1 });

    // SIGTERM: exits cleanly and releases the lease, so another instance takes over at once.
    const exit = await alerter.stop();
    expect(exit.code).toBe(0);
    expect(await redis.get(`${prefix}:{alerter}:lease`)).toBeNull();
  }, 150_000);
});

describe('alerter process: stall transitions', () => {
  // An interval far longer than the test: only the change feed can trigger the evaluation.
  const fixture = alerterFixture('alerter-transitions', {
    MM_ALERTER_EVALUATION_INTERVAL_MS: '600000',
    MM_ALERTER_PRODUCT_ALERTS: 'false',
  });
  const { env, prefix, receiver } = fixture;

  it('a stall announced by the store is evaluated at once, not at the next interval', async () => {
    const now = Date.now();
    const { redis } = fixture;
    const driver = new ScoreDriver(redis, { prefix, namespace: INITIAL_NAMESPACE });
    await driver.apply(rhythm('ops', 'ops.orders', now - 180 * DAY_MS, now - DAY_MS, 7), now);
    await driver.refresh(now);
    const alerter = (fixture.alerter = new AlerterProcess({ ...env, MM_ALERTER_WEBHOOK_URL: receiver.url }));
    const url = await alerter.url();
    await waitFor(async () => ((await fetch(`${url}/readyz`)).ok ? true : undefined), { what: 'readiness' });
    expect(receiver.requests).toHaveLength(0);

    // The processor's periodic refresh finds the domain stalled (scored 40 days on) and announces it.
    const began = Date.now();
    await driver.refresh(now + 40 * DAY_MS);
    await waitFor(() => (receiver.requests.length > 0 ? true : undefined), {
      what: 'the notification of the announced stall',
      timeoutMs: 15_000,
    });
    expect(Date.now() - began).toBeLessThan(15_000);
    expect(receiver.alerts('firing').map((a) => a.labels['alertname'])).toContain('DomainMomentumStalled');
  });
});
