import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadConfig } from '@mesh-momentum/common';
import type { RunningGateway } from '@mesh-momentum/ingest';
import { PROCESSOR_SECTION } from '@mesh-momentum/processor';
import { startPrivateRedis, waitFor, type PrivateRedis } from '@mesh-momentum/testing';
import { signGithubPayload } from '@mesh-momentum/webhook-auth';
import { gatewayEnv, startTestGateway } from './support/ingest.ts';
import { TestPipeline } from './support/pipeline.ts';

/**
 * The gateway's Redis (a private redis-server of this test, never the shared one) goes away: a webhook,
 * whose delivery ledger lives there, is answered 503 MM_ERR_STORE_UNAVAILABLE with Retry-After and a
 * short message (no Redis address or client text), /readyz says `redis: false`, and the retry succeeds
 * once Redis is back.
 */
const GITHUB_SECRET = 'redis-outage-secret';
const release = readFileSync(
  new URL('../../packages/adapters/src/github/fixtures/release-published.json', import.meta.url),
  'utf8',
);

describe('ingest gateway: its Redis down', () => {
  let redis: PrivateRedis;
  let pipeline: TestPipeline;
  let gateway: RunningGateway;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    const env = { ...gatewayEnv(inject('services'), 'ingest-redis-outage'), MM_REDIS_URL: redis.url };
    pipeline = new TestPipeline(loadConfig(env, PROCESSOR_SECTION));
    await pipeline.createTopics();
    gateway = await startTestGateway(
      env,
      { github: { source: 'https://github.com/acme-data', secrets: [GITHUB_SECRET] } },
      // Commands meeting a dead Redis fail within a second, not the default 10 s.
      { MM_REDIS_COMMAND_TIMEOUT_MS: '1000' },
    );
  });

  afterAll(async () => {
    await gateway?.close();
    await pipeline?.close();
    await redis?.stop();
  });

  const deliver = (deliveryId: string) =>
    fetch(`${gateway.address.url}/v1/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'release',
        'x-github-delivery': deliveryId,
        'x-hub-signature-256': signGithubPayload(release, GITHUB_SECRET),
      },
      body: release,
    });
  const readyz = async () =>
    (await (await fetch(`${gateway.opsAddress.url}/readyz`)).json()) as { checks: Record<string, boolean> };

  it('answers 503 MM_ERR_STORE_UNAVAILABLE with Retry-After while Redis is down, and accepts the retry after', async () => {
    await redis.crash();
    const refused = await deliver('outage-1');
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await refused.json()) as { code: string; message: string };
    expect(body).toMatchObject({ statusCode: 503, code: 'MM_ERR_STORE_UNAVAILABLE' });
    // The detail (Redis's address, ioredis's own words) is logged, not answered.
    expect(body.message).not.toMatch(/Redis could not|127\.0\.0\.1|ECONNREFUSED|Connection is closed/i);
    expect((await readyz()).checks['redis']).toBe(false);

    await redis.restart();
    const accepted = await waitFor(
      async () => {
        const answer = await deliver('outage-1');
        if (answer.status === 202) return answer;
        await answer.body?.cancel();
        return undefined;
      },
      { what: 'the redelivery to be accepted once Redis is back', timeoutMs: 30_000 },
    );
    expect(await accepted.json()).toMatchObject({ accepted: 1 });
    expect((await readyz()).checks['redis']).toBe(true);
  });
});
