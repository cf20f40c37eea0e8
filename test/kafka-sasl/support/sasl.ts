import kafkajs, { type AclEntry, type Admin, type Kafka, type KafkaMessage } from 'kafkajs';
import { createLogger, loadConfig } from '@mesh-momentum/common';
import { createKafka, ensureTopics } from '@mesh-momentum/kafka';
import { isolatedEnv, waitFor, type ServiceEndpoints } from '@mesh-momentum/testing';

// kafkajs is CommonJS and Node's named-export detection misses these enums.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

/** The users infra/local/kafka-sasl.sh creates (SCRAM-SHA-512); admin is the super user. */
export const SASL_USERS = ['admin', 'processor', 'producer', 'alerter'] as const;
export type SaslUser = (typeof SASL_USERS)[number];
/** Each user's MM_KAFKA_* variables (brokers, TLS with the test CA, SCRAM user and password). */
export type SaslUsers = Readonly<Record<SaslUser, Readonly<Record<string, string>>>>;

/** Bound on every refusal (wrong password, untrusted certificate, missing ACL): well under kafkajs' retries, ms. */
export const REFUSAL_BOUND_MS = 5_000;

/**
 * An isolated installation (own topics, group, key prefix; the shared registry and Redis) that talks to
 * the SASL_SSL broker as `user`.
 */
export function saslEnv(
  services: ServiceEndpoints,
  users: SaslUsers,
  name: string,
  user: SaslUser,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return isolatedEnv(services, { name, env: { ...users[user], ...extra } });
}

/** The same installation, as another user (the topics and group stay the test's). */
export function asUser(
  env: Readonly<Record<string, string>>,
  users: SaslUsers,
  user: SaslUser,
): Record<string, string> {
  return { ...env, ...users[user] };
}

const logger = createLogger({ name: 'test', level: 'warn' });

export function kafkaAs(env: Readonly<Record<string, string>>): Kafka {
  return createKafka(loadConfig(env).kafka, { logger });
}

/**
 * The ACLs each role needs on an installation (docs/kafka-security.md lists the same):
 * - producer (SDK, CLI, ingest gateway): Write on the events topic;
 * - processor: Read and DescribeConfigs on the events topic, Read on its group, Write on the DLQ;
 * - alerter: Write on its alerts topic.
 * Write and Read imply Describe; Write on a topic also lets an idempotent producer get its id.
 */
export function roleAcls(
  role: 'producer' | 'processor' | 'alerter',
  env: Readonly<Record<string, string>>,
  alertsTopic?: string,
): AclEntry[] {
  const { topics } = loadConfig(env);
  const group = env['MM_PROCESSOR_GROUP_ID'] ?? '';
  const principal = `User:${role}`;
  const entry = (resourceType: number, resourceName: string, operation: number): AclEntry => ({
    resourceType,
    resourceName,
    resourcePatternType: ResourcePatternTypes.LITERAL,
    principal,
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  });
  const { TOPIC, GROUP } = AclResourceTypes;
  const { READ, WRITE, DESCRIBE_CONFIGS } = AclOperationTypes;
  switch (role) {
    case 'producer':
      return [entry(TOPIC, topics.events, WRITE)];
    case 'processor':
      return [
        entry(TOPIC, topics.events, READ),
        entry(TOPIC, topics.events, DESCRIBE_CONFIGS),
        entry(GROUP, group, READ),
        entry(TOPIC, topics.deadLetter, WRITE),
      ];
    case 'alerter':
      return alertsTopic === undefined ? [] : [entry(TOPIC, alertsTopic, WRITE)];
  }
}

/** The super user's admin client, connected. */
export async function adminOf(users: SaslUsers, env: Readonly<Record<string, string>>): Promise<Admin> {
  const admin = kafkaAs(asUser(env, users, 'admin')).admin();
  await admin.connect();
  return admin;
}

/** Creates the installation's topics as admin (a platform team's job on a secured cluster). */
export async function createTopicsAsAdmin(
  admin: Admin,
  env: Readonly<Record<string, string>>,
): Promise<void> {
  await ensureTopics(admin, { ...loadConfig(env).topics, partitions: 1 });
}

/** Every record of a topic so far, read as admin from the beginning, once at least `count` arrived. */
export async function readAll(
  users: SaslUsers,
  env: Readonly<Record<string, string>>,
  topic: string,
  count: number,
): Promise<KafkaMessage[]> {
  const received: KafkaMessage[] = [];
  const consumer = kafkaAs(asUser(env, users, 'admin')).consumer({
    groupId: `${env['MM_KAFKA_CLIENT_ID'] ?? 'test'}-reader-${topic}`,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message) });
    return await waitFor(() => (received.length >= count ? received : undefined), {
      what: `${count} records on ${topic}`,
      timeoutMs: 30_000,
    });
  } finally {
    await consumer.disconnect();
  }
}

/** How long `work` takes to reject, and with what; fails the test when it resolves. */
export async function refusal(work: () => Promise<unknown>): Promise<{ error: Error; ms: number }> {
  const started = Date.now();
  try {
    await work();
  } catch (error) {
    return { error: error as Error, ms: Date.now() - started };
  }
  throw new Error('expected a refusal, but the call succeeded');
}
