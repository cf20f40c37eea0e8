import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '@mesh-momentum/common';
import { loadIngestConfig, startGateway, type RunningGateway } from '@mesh-momentum/ingest';
import { PROCESSOR_SECTION } from '@mesh-momentum/processor';
import { simulateProgramme } from '@mesh-momentum/simulator';
import { generateToken } from '@mesh-momentum/service-kit';
import { isolatedEnv } from '@mesh-momentum/testing';
import { signStandardWebhook } from '@mesh-momentum/webhook-auth';
import { TestPipeline } from '../integration/support/pipeline.ts';
import { fuzzServers } from './support/fuzz-run.ts';
import { LogSink } from './support/log-sink.ts';
import type { RequestVocabulary, Signer } from './support/requests.ts';

/**
 * The ingest gateway as `pnpm ingest` starts it (`startGateway` with a config file read from disk, real
 * Kafka, registry and Redis), every route of its API and ops servers fuzzed: tokens, admin tokens and
 * every webhook kind configured with recognisable secrets, so that valid requests, valid signatures
 * over fuzzed bodies and pure noise all reach it.
 */
const adapters = fileURLToPath(new URL('../../packages/adapters/src/', import.meta.url));
const fixtures = (dir: string) =>
  readdirSync(join(adapters, dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => readFileSync(join(adapters, dir, f), 'utf8'));

const api = generateToken('fuzz-writer');
const narrow = generateToken('fuzz-narrow');
const admin = generateToken('fuzz-admin');
const SECRETS = new Map([
  ['API token', api.token],
  ['scoped API token', narrow.token],
  ['admin token', admin.token],
  ['GitHub secret', 'fuzz-github-secret-5f2c9e1b7a'],
  ['OpenMetadata secret', 'fuzz-om-secret-8d4e6a0c3f'],
  ['Standard Webhooks secret', 'whsec_ZnV6ei1zdGFuZGFyZC13ZWJob29rcy1zZWNyZXQ='],
  ['HMAC hook secret', 'fuzz-hmac-secret-1b9f7d3e5c'],
  ['person-id key', 'fuzz-person-id-key-4a8c2e6f0b1d3957'],
]);
const secret = (name: string) => SECRETS.get(name) ?? '';

const digest = (body: Buffer) => createHash('sha256').update(body).digest('hex').slice(0, 24);
const hmac = (key: string, body: Buffer) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
const GITHUB_EVENTS = ['push', 'release', 'repository', 'ping', 'issues'];

const signers: Signer[] = [
  (body) => ({
    'x-hub-signature-256': hmac(secret('GitHub secret'), body),
    'x-github-event': GITHUB_EVENTS[body.length % GITHUB_EVENTS.length] ?? 'push',
    'x-github-delivery': digest(body),
  }),
  (body) => ({ 'x-om-signature': hmac(secret('OpenMetadata secret'), body) }),
  (body) =>
    signStandardWebhook({
      id: `msg_${digest(body)}`,
      timestampMs: Date.now(),
      body: body.toString('utf8'),
      secrets: [secret('Standard Webhooks secret')],
    }),
  (body) => ({ 'x-signature-256': hmac(secret('HMAC hook secret'), body), 'x-delivery-id': digest(body) }),
];

/** One valid event of each type the simulated programme produces, as a client sends it (time in RFC 3339). */
const events = [
  ...new Map(
    simulateProgramme({ seed: 3, endMs: Date.now() - 86_400_000 }).map((e) => [
      e.type,
      { ...e, time: new Date(e.time).toISOString() },
    ]),
  ).values(),
];
const vocabulary: RequestVocabulary = {
  pathValues: ['contracts', 'hmac-hook', 'github', 'openmetadata', 'unmapped', 'backstage', 'confirm'],
  queryNames: ['limit'],
  authorizations: [`Bearer ${api.token}`, `Bearer ${narrow.token}`, `Bearer ${admin.token}`],
  bodies: [
    ...events.map((e) => JSON.stringify(e)),
    JSON.stringify(events),
    JSON.stringify({ events }),
    events.map((e) => JSON.stringify(e)).join('\n'),
    ...fixtures('github/fixtures'),
    ...fixtures('openmetadata/fixtures'),
    ...fixtures('generic/fixtures'),
  ],
  signers,
};

describe('fuzzing the ingest gateway', () => {
  let pipeline: TestPipeline;
  let gateway: RunningGateway;
  let dir: string;
  const logs = new LogSink(SECRETS);

  beforeAll(async () => {
    const env = isolatedEnv(inject('services'), { name: 'fuzz-ingest' });
    pipeline = new TestPipeline(loadConfig(env, PROCESSOR_SECTION));
    await pipeline.createTopics();
    dir = mkdtempSync(join(tmpdir(), 'mm-fuzz-ingest-'));
    const mappingFile = join(adapters, 'generic/fixtures/contracts-mapping.yaml');
    const file = {
      tokens: [
        { id: 'fuzz-writer', hash: api.hash, eventTypes: ['*'], domains: ['*'], sources: ['*'] },
        { id: 'fuzz-narrow', hash: narrow.hash, eventTypes: ['ChampionGained'], domains: ['payments'] },
        { id: 'fuzz-admin', hash: admin.hash, eventTypes: ['*'], domains: ['*'], admin: true },
      ],
      webhooks: {
        github: { source: 'https://github.acme.example', secrets: [secret('GitHub secret')] },
        openmetadata: { source: 'https://om.acme.example', secrets: [secret('OpenMetadata secret')] },
        generic: [
          {
            name: 'contracts',
            source: 'https://contracts.acme.example',
            mappingFile,
            secrets: [secret('Standard Webhooks secret')],
          },
          {
            name: 'hmac-hook',
            source: 'https://hmac.acme.example',
            mappingFile,
            scheme: 'hmac-sha256',
            header: 'x-signature-256',
            deliveryIdHeader: 'x-delivery-id',
            secrets: [secret('HMAC hook secret')],
          },
        ],
      },
      // Configured for its admin routes; not polled (MM_INGEST_POLLERS=false).
      pollers: { backstage: { source: 'https://backstage.acme.example', url: 'http://127.0.0.1:9/' } },
    };
    // JSON is YAML: the gateway reads it as it reads any config file.
    writeFileSync(join(dir, 'gateway.yaml'), JSON.stringify(file));
    const config = loadIngestConfig({
      ...env,
      MM_INGEST_CONFIG_FILE: join(dir, 'gateway.yaml'),
      MM_INGEST_HTTP_PORT: '0',
      MM_INGEST_OPS_PORT: '0',
      MM_INGEST_POLLERS: 'false',
      MM_INGEST_PERSON_ID_KEY: secret('person-id key'),
      // The fuzzer sends thousands of requests with one token: the limit is not what is tested here.
      MM_INGEST_RATE_LIMIT_MAX: '10000000',
    });
    gateway = await startGateway(config, { logger: logs.logger('ingest') });
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await pipeline?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('every route of the API and ops servers: no 5xx but a dependency 503, one error shape, no secret out', async () => {
    await fuzzServers(
      [
        { name: 'ingest api', app: gateway.app, vocabulary, secrets: SECRETS },
        { name: 'ingest ops', app: gateway.ops, vocabulary, secrets: SECRETS },
      ],
      logs,
      gateway.ops,
    );
    expect(logs.lines, 'log lines captured').toBeGreaterThan(0);
  }, 600_000);
});
