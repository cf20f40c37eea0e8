import { afterAll, describe, expect, inject, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { Redis } from 'ioredis';
import { INITIAL_NAMESPACE, keys } from '@mesh-momentum/store';
import { AlerterProcess, DAY_MS, rhythm, ScoreDriver } from '../integration/support/alerter-harness.ts';
import { adminOf, readAll, roleAcls, saslEnv } from './support/sasl.ts';

/**
 * The alerter's Kafka channel on the SASL_SSL broker, as the `alerter` user with Write on its alerts
 * topic only (the topic made by the platform team beforehand): a stalled mesh's alerts land on the
 * topic. Without that ACL the alerter exits at start-up with MM_ERR_KAFKA_NOT_AUTHORIZED.
 */

describe('alerter over SASL_SSL with ACLs', () => {
  const users = inject('saslUsers');
  const services = inject('services');
  const alerters: AlerterProcess[] = [];
  const admins: Admin[] = [];
  const redises: Redis[] = [];

  afterAll(async () => {
    for (const a of alerters) await a.stop();
    for (const a of admins) await a.disconnect();
    for (const r of redises) r.disconnect();
  });

  async function installation(name: string) {
    const env = saslEnv(services, users, name, 'alerter', {
      MM_LOG_LEVEL: 'info',
      MM_ALERTER_HTTP_PORT: '0',
      MM_ALERTER_FOR_MS: '0',
      MM_ALERTER_EVALUATION_INTERVAL_MS: '1000',
    });
    const alertsTopic = `${env['MM_TOPIC_EVENTS']!.replace(/\.events$/, '')}.alerts`;
    const admin = await adminOf(users, env);
    admins.push(admin);
    await admin.createTopics({ topics: [{ topic: alertsTopic, numPartitions: 1 }], waitForLeaders: true });
    const withTopic: Record<string, string> = { ...env, MM_ALERTER_KAFKA_TOPIC: alertsTopic };
    return { env: withTopic, alertsTopic, admin };
  }

  it('writes the alerts of a stalled mesh to its topic as the alerter user', async () => {
    const { env, alertsTopic, admin } = await installation('sasl-alerter');
    await admin.createAcls({ acl: roleAcls('alerter', env, alertsTopic) });
    const prefix = env['MM_REDIS_KEY_PREFIX']!;
    const redis = new Redis(env['MM_REDIS_URL']!);
    redises.push(redis);
    await redis.set(keys.namespacePointer(prefix), INITIAL_NAMESPACE);
    const now = Date.now();
    const driver = new ScoreDriver(redis, { prefix, namespace: INITIAL_NAMESPACE });
    await driver.apply(rhythm('hr', 'hr.payroll', now - 220 * DAY_MS, now - 40 * DAY_MS, 7), now);
    await driver.refresh(now);

    alerters.push(new AlerterProcess(env));
    const records = await readAll(users, env, alertsTopic, 3);
    expect(records.map((r) => r.key?.toString()).every((key) => key !== undefined && key.length > 0)).toBe(
      true,
    );
  });

  it('without Write on its alerts topic: exits 1 with MM_ERR_KAFKA_NOT_AUTHORIZED at start-up', async () => {
    const { env } = await installation('sasl-alerter-denied');
    const alerter = new AlerterProcess(env);
    alerters.push(alerter);
    const started = Date.now();
    const exit = await alerter.exited();
    expect(exit.code, alerter.output).toBe(1);
    expect(alerter.output).toMatch(
      /alerter: Kafka refused user "alerter" writing alerts to topic test\..*\.alerts: TOPIC_AUTHORIZATION_FAILED .*\[MM_ERR_KAFKA_NOT_AUTHORIZED\]/,
    );
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
