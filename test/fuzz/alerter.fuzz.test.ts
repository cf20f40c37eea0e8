import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import {
  Alerter,
  ALERTER_SECTION,
  AlerterService,
  channelsFromConfig,
  createSilence,
  pauseScope,
  registerAlerterApi,
  type AlerterServiceConfig,
} from '@mesh-momentum/alerter';
import { loadConfig } from '@mesh-momentum/common';
import { connectRuntimeWith, createOpsServer, generateToken, type Runtime } from '@mesh-momentum/service-kit';
import { unlinkMatching } from '@mesh-momentum/store';
import { isolatedEnv } from '@mesh-momentum/testing';
import { fuzzServers } from './support/fuzz-run.ts';
import { LogSink } from './support/log-sink.ts';
import type { RequestVocabulary } from './support/requests.ts';

/**
 * The alerter's HTTP server wired as services/alerter/src/service.ts wires it (the kit's ops server with
 * the service's health, the alerter's metrics and its API) on real Redis, with an admin token, a signed
 * webhook and a chat hook whose URL holds a token: every route fuzzed.
 */
const admin = generateToken('fuzz-admin');
const SECRETS = new Map([
  ['admin token', admin.token],
  ['webhook secret', 'whsec_ZnV6ei1hbGVydGVyLXdlYmhvb2stc2VjcmV0'],
  ['chat hook token', 'fuzz-chat-hook-token-6e1d9b3a'],
]);
const secret = (name: string) => SECRETS.get(name) ?? '';

describe('fuzzing the alerter', () => {
  let runtime: Runtime<AlerterServiceConfig>;
  let app: ReturnType<typeof createOpsServer>;
  let service: AlerterService;
  const logs = new LogSink(SECRETS);
  const vocabulary: { -readonly [K in keyof RequestVocabulary]: RequestVocabulary[K] } = {
    pathValues: ['mesh', 'domain:hr', 'product:hr/hr.payroll', 'domain%3Ahr'],
    queryNames: ['state', 'status'],
    authorizations: [`Bearer ${admin.token}`],
    bodies: [
      JSON.stringify({ matchers: ['domain=hr'], durationMs: 3_600_000, createdBy: 'lead', comment: 'reorg' }),
      JSON.stringify({
        matchers: [{ name: 'product', value: 'hr\\..*', isRegex: true, isEqual: true }],
        endsAtMs: Date.now() + 86_400_000,
        createdBy: 'lead',
        comment: 'migration',
      }),
      JSON.stringify({
        scope: 'domain:hr',
        reason: 'reorg until March',
        createdBy: 'lead',
        durationMs: 86_400_000,
      }),
      JSON.stringify({
        scope: 'product:hr/hr.payroll',
        reason: 'sunset',
        createdBy: 'lead',
        until: '2030-01-01',
      }),
    ],
    signers: [],
  };

  beforeAll(async () => {
    const env = isolatedEnv(inject('services'), {
      name: 'fuzz-alerter',
      env: {
        MM_ALERTER_HTTP_PORT: '0',
        MM_ALERTER_ADMIN_TOKENS: `fuzz-admin=${admin.hash}`,
        MM_ALERTER_WEBHOOK_URL: 'http://127.0.0.1:9/alerts',
        MM_ALERTER_WEBHOOK_SECRET: secret('webhook secret'),
        MM_ALERTER_CHAT_WEBHOOK_URL: `http://127.0.0.1:9/hooks/${secret('chat hook token')}`,
      },
    });
    runtime = await connectRuntimeWith('alerter', loadConfig(env, ALERTER_SECTION), {
      logger: logs.logger('alerter'),
    });
    const { config, logger, redis } = runtime;
    const alerter = new Alerter({
      config: config.alerter,
      redis,
      keyPrefix: config.redis.keyPrefix,
      channels: channelsFromConfig(config.alerter),
      logger,
      instanceId: `fuzz-${randomUUID().slice(0, 8)}`,
    });
    service = new AlerterService(alerter, {
      evaluationIntervalMs: config.alerter.evaluationIntervalMs,
      logger,
    });
    app = createOpsServer(service.health, alerter.metrics.registry);
    registerAlerterApi(app, alerter.store, Date.now, {
      writes: config.alerter.adminWrites,
      adminTokens: config.alerter.adminTokens,
    });
    // Records to read, expire and resume.
    const silence = await createSilence(alerter.store, JSON.parse(vocabulary.bodies[0] ?? '{}'), Date.now());
    await pauseScope(alerter.store, JSON.parse(vocabulary.bodies[2] ?? '{}'), Date.now());
    vocabulary.pathValues = [...vocabulary.pathValues, silence.id];
    service.start();
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await app?.close();
    if (runtime) {
      await unlinkMatching(runtime.redis, `${runtime.config.redis.keyPrefix}:*`);
      runtime.redis.disconnect();
    }
  });

  it('every route: no 5xx but a dependency 503, one error shape, no secret out', async () => {
    await fuzzServers([{ name: 'alerter', app, vocabulary, secrets: SECRETS }], logs, app);
  }, 600_000);
});
