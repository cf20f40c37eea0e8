import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { createLogger, loadConfig } from '@mesh-momentum/common';
import type { RunningGateway } from '@mesh-momentum/ingest';
import { createMeshMomentumProducer } from '@mesh-momentum/sdk';
import { runCli } from '../integration/support/cli.ts';
import { startTestGateway, testToken } from '../integration/support/ingest.ts';
import {
  adminOf,
  asUser,
  createTopicsAsAdmin,
  readAll,
  REFUSAL_BOUND_MS,
  refusal,
  roleAcls,
  saslEnv,
} from './support/sasl.ts';

/**
 * Producers on a broker with SASL_SSL (SCRAM-SHA-512 over TLS, private CA) and ACLs: the SDK, the CLI
 * and the ingest gateway write the events topic as the `producer` user, which may do nothing else. A
 * wrong password, an untrusted certificate and a missing ACL each end in their own error code, at once.
 */

const logger = createLogger({ name: 'test', level: 'warn' });
const champion = (personId: string) => ({ domain: 'payments', personId, role: 'champion' as const });

describe('producers over SASL_SSL with ACLs', () => {
  const users = inject('saslUsers');
  const env = saslEnv(inject('services'), users, 'sasl-producers', 'producer');
  const config = loadConfig(env);
  let admin: Admin;
  let gateway: RunningGateway | undefined;
  const writer = testToken('sasl-writer');

  beforeAll(async () => {
    admin = await adminOf(users, env);
    await createTopicsAsAdmin(admin, env);
    await admin.createAcls({ acl: roleAcls('producer', env) });
  });

  afterAll(async () => {
    await gateway?.close();
    await admin?.disconnect();
  });

  it('the SDK, the CLI and the ingest gateway write the events topic as the producer user', async () => {
    const producer = createMeshMomentumProducer({ config, logger, source: 'urn:meshmomentum:sasl-test' });
    const report = await producer.championGained(champion('p-sdk'));
    await producer.close();
    expect(report.sent).toBe(true);

    const cli = await runCli(
      ['emit', 'ChampionGained', '--data', JSON.stringify(champion('p-cli')), '--json'],
      env,
    );
    expect(cli.code, cli.stderr).toBe(0);
    const cliEvent = (JSON.parse(cli.stdout) as { event: { id: string } }).event;

    gateway = await startTestGateway(env, { tokens: [writer.token] });
    const answer = await fetch(`${gateway.address.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: writer.header, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'ChampionGained', ...champion('p-ingest') }),
    });
    expect(answer.status, await answer.clone().text()).toBe(202);
    const ingestId = ((await answer.json()) as { id: string }).id;

    const records = await readAll(users, env, config.topics.events, 3);
    const ids = records.map((r) => r.headers?.['ce_id']?.toString());
    expect(ids.sort()).toEqual([report.event.id, cliEvent.id, ingestId].sort());
  });

  it('a wrong password: MM_ERR_KAFKA_AUTHENTICATION_FAILED naming the user, at once', async () => {
    const wrong = loadConfig({ ...env, MM_KAFKA_SASL_PASSWORD: 'not-the-password' });
    const producer = createMeshMomentumProducer({ config: wrong, logger });
    const { error, ms } = await refusal(() => producer.connect());
    await producer.close().catch(() => undefined);
    expect(error).toMatchObject({ code: 'MM_ERR_KAFKA_AUTHENTICATION_FAILED', retriable: false });
    expect(error.message).toContain('user "producer" (SCRAM-SHA-512)');
    expect(error.message).not.toContain('not-the-password');
    expect(ms).toBeLessThan(REFUSAL_BOUND_MS);
  });

  it('an untrusted certificate (no MM_KAFKA_SSL_CA_FILE): MM_ERR_KAFKA_TLS_UNTRUSTED, at once, not after retries', async () => {
    const { MM_KAFKA_SSL_CA_FILE: _ca, ...withoutCa } = env;
    const producer = createMeshMomentumProducer({ config: loadConfig(withoutCa), logger });
    const { error, ms } = await refusal(() => producer.connect());
    await producer.close().catch(() => undefined);
    expect(error).toMatchObject({ code: 'MM_ERR_KAFKA_TLS_UNTRUSTED', retriable: false });
    expect(error.message).toMatch(
      /not trusted \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)/,
    );
    expect(error.message).toContain('set MM_KAFKA_SSL_CA_FILE');
    expect(ms).toBeLessThan(REFUSAL_BOUND_MS);
  });

  it('a missing ACL: the CLI exits 2 with MM_ERR_KAFKA_NOT_AUTHORIZED naming the topic', async () => {
    // The processor's user has no Write on the events topic.
    const started = Date.now();
    const cli = await runCli(
      ['emit', 'ChampionGained', '--data', JSON.stringify(champion('p-denied'))],
      asUser(env, users, 'processor'),
    );
    expect(cli.code, cli.stderr).toBe(2);
    // Which refusal comes first depends on whether the user may write any topic at all (other test
    // files grant it its own): the idempotent producer's id (cluster), or the events topic itself.
    expect(cli.stderr).toMatch(
      /error: MM_ERR_KAFKA_NOT_AUTHORIZED: Kafka refused user "processor" (writing topic test\..*\.events: TOPIC_AUTHORIZATION_FAILED|starting an idempotent producer \(needs Write on the topic\): CLUSTER_AUTHORIZATION_FAILED)/,
    );
    expect(Date.now() - started).toBeLessThan(REFUSAL_BOUND_MS + 10_000); // node start-up and the registry, then the refusal
  });

  it('a missing ACL at the gateway: 502 with MM_ERR_KAFKA_NOT_AUTHORIZED, never 5xx as bad data or a hang', async () => {
    const denied = await startTestGateway(asUser(env, users, 'alerter'), { tokens: [writer.token] });
    try {
      const started = Date.now();
      const answer = await fetch(`${denied.address.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: writer.header, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'ChampionGained', ...champion('p-gw-denied') }),
      });
      const body = (await answer.json()) as { code: string; message: string };
      expect(answer.status).toBe(502);
      expect(body.code).toBe('MM_ERR_KAFKA_NOT_AUTHORIZED');
      expect(Date.now() - started).toBeLessThan(REFUSAL_BOUND_MS);
    } finally {
      await denied.close();
    }
  });
});
