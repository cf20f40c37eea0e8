import { afterAll, describe, expect, inject, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { Redis } from 'ioredis';
import { createLogger, loadConfig } from '@mesh-momentum/common';
import { createMeshMomentumProducer } from '@mesh-momentum/sdk';
import { waitFor } from '@mesh-momentum/testing';
import { ProcessorProcess } from '../integration/support/service-process.ts';
import { adminOf, asUser, createTopicsAsAdmin, kafkaAs, readAll, roleAcls, saslEnv } from './support/sasl.ts';

/**
 * The processor as its own process on the SASL_SSL broker, as the `processor` user with exactly its
 * ACLs: it reads the events topic, commits its group's offsets and writes the dead-letter topic. Without
 * the ACL on its group it exits at once with MM_ERR_KAFKA_NOT_AUTHORIZED instead of living on with a
 * dead consumer.
 */

const logger = createLogger({ name: 'test', level: 'warn' });

describe('processor over SASL_SSL with ACLs', () => {
  const users = inject('saslUsers');
  const services = inject('services');
  const processors: ProcessorProcess[] = [];
  const admins: Admin[] = [];

  afterAll(async () => {
    for (const p of processors) await p.stop();
    for (const a of admins) await a.disconnect();
  });

  async function installation(name: string): Promise<{ env: Record<string, string>; admin: Admin }> {
    const env = saslEnv(services, users, name, 'processor', { MM_PROCESSOR_HTTP_PORT: '0' });
    const admin = await adminOf(users, env);
    admins.push(admin);
    await createTopicsAsAdmin(admin, env);
    return { env, admin };
  }

  it('applies events, commits its group and dead-letters an undecodable record, with only its ACLs', async () => {
    const { env, admin } = await installation('sasl-processor');
    const config = loadConfig(env);
    await admin.createAcls({ acl: [...roleAcls('processor', env), ...roleAcls('producer', env)] });

    const processor = new ProcessorProcess(env);
    processors.push(processor);

    const producer = createMeshMomentumProducer({
      config: loadConfig(asUser(env, users, 'producer')),
      logger,
    });
    const reports = await Promise.all(
      ['p-1', 'p-2', 'p-3'].map((personId) =>
        producer.championGained({ domain: 'payments', personId, role: 'champion' }),
      ),
    );
    await producer.close();
    expect(reports.every((r) => r.sent)).toBe(true);
    // Not Avro at all: the processor must move it to the dead-letter topic (its Write ACL there).
    const raw = kafkaAs(asUser(env, users, 'admin')).producer();
    await raw.connect();
    await raw.send({ topic: config.topics.events, messages: [{ key: 'payments', value: 'not avro' }] });
    await raw.disconnect();

    const [dead] = await readAll(users, env, config.topics.deadLetter, 1);
    expect(dead?.value?.toString()).toBe('not avro');

    // Every record applied and its offset committed to the group (Read on the group).
    const [end] = await admin.fetchTopicOffsets(config.topics.events);
    await waitFor(
      async () => {
        const [committed] = await admin.fetchOffsets({
          groupId: env['MM_PROCESSOR_GROUP_ID']!,
          topics: [config.topics.events],
        });
        return committed?.partitions[0]?.offset === end?.high ? true : undefined;
      },
      { what: `the group's committed offset at ${end?.high}`, timeoutMs: 30_000 },
    );
    const redis = new Redis(config.redis.url);
    try {
      expect((await redis.keys(`${config.redis.keyPrefix}:*`)).length).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
    expect(processor.child.exitCode).toBeNull();
  });

  it('without Read on its group: exits 1 with MM_ERR_KAFKA_NOT_AUTHORIZED naming the group, at once', async () => {
    const { env, admin } = await installation('sasl-processor-no-group');
    const group = env['MM_PROCESSOR_GROUP_ID']!;
    const withoutGroup = roleAcls('processor', env).filter((acl) => acl.resourceName !== group);
    expect(withoutGroup).toHaveLength(3);
    await admin.createAcls({ acl: withoutGroup });
    const started = Date.now();
    const processor = new ProcessorProcess(env);
    processors.push(processor);
    const exit = await Promise.race([
      processor.exited(),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 30_000)),
    ]);
    expect(exit?.code, processor.output).toBe(1);
    expect(processor.output).toMatch(
      /processor: Kafka refused user "processor" consuming test\..*\.events in group test-sasl-processor-no-group-.*: GROUP_AUTHORIZATION_FAILED .*\[MM_ERR_KAFKA_NOT_AUTHORIZED\]/,
    );
    // Node start-up, Redis and the registry, then one refusal: no retry loop.
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
