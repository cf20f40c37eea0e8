import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '@mesh-momentum/common';
import { bodyDeliveryId, deterministicEventId } from '@mesh-momentum/adapters';
import { PROCESSOR_SECTION } from '@mesh-momentum/processor';
import type { RunningGateway } from '@mesh-momentum/ingest';
import { domainRef, MomentumReader, productRef } from '@mesh-momentum/store';
import { waitFor } from '@mesh-momentum/testing';
import { signGithubPayload } from '@mesh-momentum/webhook-auth';
import { TestPipeline } from './support/pipeline.ts';
import { gatewayEnv, startTestGateway, testToken } from './support/ingest.ts';
import { scoreOf } from './support/scores.ts';

/**
 * The ingest gateway on real Kafka, registry and Redis, with the processor started in this process:
 * a signed webhook becomes a score in Redis; replays count once; limits answer 413 and 429.
 */
const fixture = (name: string) =>
  readFileSync(new URL(`../../packages/adapters/src/github/fixtures/${name}.json`, import.meta.url), 'utf8');
const GITHUB_SECRET = 'it-is-a-secret-to-everybody';
const RATE_LIMIT = 30;

describe('ingest gateway → Kafka → processor → Redis', () => {
  let pipeline: TestPipeline;
  let gateway: RunningGateway;
  let reader: MomentumReader;
  let url: string;
  const writer = testToken('writer');
  const scoped = testToken('payments-champions', {
    eventTypes: ['ChampionGained'],
    domains: ['payments'],
    sources: ['https://hr.example'],
  });
  const admin = testToken('admin', { admin: true });
  const burst = testToken('burst');
  const flood = testToken('flood');
  const calm = testToken('calm');

  beforeAll(async () => {
    const env = gatewayEnv(inject('services'), 'ingest');
    pipeline = new TestPipeline(loadConfig(env, PROCESSOR_SECTION));
    await pipeline.createTopics();
    await pipeline.startProcessor();
    gateway = await startTestGateway(
      env,
      {
        tokens: [writer.token, scoped.token, admin.token, burst.token, flood.token, calm.token],
        github: { source: 'https://github.com/acme-data', secrets: ['old-secret', GITHUB_SECRET] },
      },
      { MM_INGEST_RATE_LIMIT_MAX: String(RATE_LIMIT), MM_INGEST_BODY_LIMIT_BYTES: '65536' },
    );
    url = gateway.address.url;
    reader = new MomentumReader(pipeline.redis, { prefix: pipeline.config.redis.keyPrefix });
  });

  afterAll(async () => {
    await gateway?.close();
    await pipeline?.close();
  });

  const github = (body: string, deliveryId: string, event = 'release') =>
    fetch(`${url}/v1/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': event,
        'x-github-delivery': deliveryId,
        'x-hub-signature-256': signGithubPayload(body, GITHUB_SECRET),
      },
      body,
    });

  const productScore = async (productId: string) => scoreOf(reader, productRef('payments', productId));

  it('turns a signed GitHub release into a product score, and counts a redelivery once', async () => {
    const body = fixture('release-published');
    const first = await github(body, 'delivery-1');
    expect(first.status).toBe(202);
    const answer = (await first.json()) as { accepted: number; ids: string[] };
    expect(answer.accepted).toBe(1);

    const score = await waitFor(async () => (await productScore('payments.orders-daily')) ?? undefined, {
      what: 'the release to reach the product score',
      timeoutMs: 30_000,
    });
    expect(score.eventCount).toBe(1);
    expect(score.momentum.score).toBeGreaterThan(0);

    // GitHub's Redeliver button: same delivery id. Answered as a duplicate, nothing sent again.
    const again = await github(body, 'delivery-1');
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true });

    // A replay of the signed body under a fresh delivery id (the header is not signed): still a duplicate.
    const replayed = await github(body, 'delivery-forged-replay');
    expect(replayed.status).toBe(200);
    expect(await replayed.json()).toMatchObject({ duplicate: true });

    // Even when the gateway's memory of it is gone (TTL passed, another Redis), a replay under a fresh
    // delivery id gets the same event ids: they derive from the signed body, never from the header.
    await pipeline.redis.del(
      gateway.context.keys.delivery('github', 'https://github.com/acme-data', bodyDeliveryId(body)),
    );
    const forgotten = await github(body, 'delivery-replayed-after-ttl');
    expect(forgotten.status).toBe(202);
    expect(((await forgotten.json()) as { ids: string[] }).ids).toEqual(answer.ids);
    await waitFor(async () => (pipeline.processors[0]!.stats.skipped >= 1 ? true : undefined), {
      what: 'the processor to skip the copy',
      timeoutMs: 30_000,
    });
    expect((await productScore('payments.orders-daily'))?.eventCount).toBe(1);
  });

  it('answers a ping, refuses a bad signature, and lists an unmapped repository for admins', async () => {
    const ping = await github(fixture('ping'), 'delivery-ping', 'ping');
    expect(ping.status).toBe(202);
    expect(await ping.json()).toMatchObject({ accepted: 0, ignored: { code: 'ping' } });

    const forged = await fetch(`${url}/v1/webhooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'release',
        'x-github-delivery': 'delivery-forged',
        'x-hub-signature-256': signGithubPayload(fixture('release-published'), 'wrong'),
      },
      body: fixture('release-published'),
    });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ code: 'MM_ERR_WEBHOOK_SIGNATURE_INVALID' });

    const unmapped = await github(fixture('release-unmapped-repository'), 'delivery-unmapped');
    expect(unmapped.status).toBe(202);
    expect(await unmapped.json()).toMatchObject({ accepted: 0, ignored: { code: 'not-a-data-product' } });
    const listing = await fetch(`${url}/v1/admin/unmapped`, { headers: { authorization: admin.header } });
    expect(listing.status).toBe(200);
    expect(((await listing.json()) as { entities: unknown[] }).entities).toEqual([
      expect.objectContaining({ tool: 'github', ref: 'acme-data/infra-modules' }),
    ]);
    const notAdmin = await fetch(`${url}/v1/admin/unmapped`, { headers: { authorization: writer.header } });
    expect(notAdmin.status).toBe(403);
  });

  const champion = (personId: string, extra: Record<string, unknown> = {}) => ({
    id: `api-${personId}`,
    type: 'ChampionGained',
    domain: 'payments',
    personId,
    role: 'champion',
    time: '2026-11-30T10:00:00Z',
    ...extra,
  });
  const post = (path: string, header: string, body: unknown, contentType = 'application/json') =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: header, 'content-type': contentType },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('accepts one event (JSON or CloudEvent) after Kafka acknowledged it, within the token’s scope', async () => {
    const plain = await post('/v1/events', scoped.header, champion('p-1'));
    expect({ status: plain.status, body: await plain.json() }).toMatchObject({
      status: 202,
      body: { id: 'api-p-1', type: 'ChampionGained' },
    });

    const { id, type, time, ...data } = champion('p-2');
    const ce = await post(
      '/v1/events',
      scoped.header,
      { specversion: '1.0', id, type, time, source: 'https://hr.example', data },
      'application/cloudevents+json',
    );
    expect(ce.status).toBe(202);

    // A token speaks only as the sources it is bound to: no impersonating another tool.
    const foreign = await post(
      '/v1/events',
      scoped.header,
      champion('p-6', { source: 'https://github.com/acme' }),
    );
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ code: 'MM_ERR_INGEST_FORBIDDEN', field: 'source' });

    // Without a source, an event gets its token's (here the token's URN): the id derived from the
    // content says which source it went out with.
    const { id: _ignored, ...noId } = champion('p-7', { domain: 'ops' });
    const derived = await post('/v1/events', writer.header, noId);
    expect(derived.status).toBe(202);
    const digest = createHash('sha256').update(JSON.stringify(noId)).digest('hex');
    expect(((await derived.json()) as { id: string }).id).toBe(
      deterministicEventId('urn:meshmomentum:token:writer', `content:${digest}`, 'api'),
    );

    const otherDomain = await post('/v1/events', scoped.header, champion('p-3', { domain: 'hr' }));
    expect(otherDomain.status).toBe(403);
    expect(await otherDomain.json()).toMatchObject({ code: 'MM_ERR_INGEST_FORBIDDEN', field: 'domain' });

    const invalid = await post('/v1/events', scoped.header, champion('p-4', { role: 'boss' }));
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ code: 'MM_ERR_EVENT_INVALID', field: 'role' });

    const score = await waitFor(
      async () => {
        const s = await scoreOf(reader, domainRef('payments'));
        return s && s.standing.champions >= 2 ? s : undefined;
      },
      { what: 'two champions in payments', timeoutMs: 30_000 },
    );
    expect(score.standing.champions).toBe(2);
  });

  it('answers a batch item by item, as JSON array and as NDJSON', async () => {
    const batch = await post('/v1/events/batch', writer.header, [
      champion('b-1'),
      champion('b-2', { role: 'nope' }),
      'not an object',
      champion('b-3'),
    ]);
    expect(batch.status).toBe(207);
    const answer = (await batch.json()) as {
      accepted: number;
      results: { statusCode: number; field?: string }[];
    };
    expect(answer.accepted).toBe(2);
    expect(answer.results.map((r) => r.statusCode)).toEqual([202, 400, 400, 202]);
    expect(answer.results[1]).toMatchObject({ code: 'MM_ERR_EVENT_INVALID', field: 'role' });
    expect(answer.results[2]).toMatchObject({ code: 'MM_ERR_INGEST_BODY_INVALID', field: '[2]' });

    const ndjson = [champion('n-1'), champion('n-2')].map((e) => JSON.stringify(e)).join('\n');
    const lines = await post('/v1/events/batch', writer.header, ndjson, 'application/x-ndjson');
    expect(lines.status).toBe(202);
    expect(await lines.json()).toMatchObject({ accepted: 2 });
  });

  it('refuses a body over the limit with 413, and a burst over the rate limit with 429 and Retry-After', async () => {
    const big = await post('/v1/events', writer.header, champion('big', { note: 'x'.repeat(70_000) }));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ code: 'MM_ERR_HTTP_BODY_TOO_LARGE', statusCode: 413 });

    const heapBefore = process.memoryUsage().heapUsed;
    const answers = await Promise.all(
      Array.from({ length: RATE_LIMIT * 10 }, (_, i) =>
        post('/v1/events', burst.header, champion(`burst-${i % 5}`)),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(RATE_LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(RATE_LIMIT * 9);
    const refused = answers.find((a) => a.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ code: 'MM_ERR_INGEST_RATE_LIMITED' });
    await Promise.all(answers.filter((a) => !a.bodyUsed).map((a) => a.body?.cancel()));
    // The count lives in Redis: one key per token however many requests came, nothing per request here.
    const keys = await pipeline.redis.keys(gateway.context.keys.rateBudget('token', 'burst*'));
    expect(keys).toHaveLength(1);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);

    // Unsigned junk to the GitHub webhook under other spellings of its URL: counted in the one bucket of
    // the route and this client, not in a new Redis key per spelling.
    for (const path of ['/v1/webhooks/github', '/v1/webhooks/%67ithub', '/v1/%77ebhooks/github']) {
      const junk = await fetch(`${url}${path}`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      expect(junk.status).toBe(401);
      await junk.body?.cancel();
    }
    const webhookKeys = await pipeline.redis.keys(gateway.context.keys.rateBudget('unverified', '*'));
    expect(webhookKeys).toHaveLength(1);
  });

  it('counts events, not requests, per token: one token’s flood is refused while another’s events flow', async () => {
    const batch = (prefix: string, size: number) =>
      Array.from({ length: size }, (_, i) => champion(`${prefix}-${i}`, { domain: 'ops' }));
    // Ten batches that each fill the token's whole budget, at once, with another token's events among them.
    const [floodAnswers, calmAnswers] = await Promise.all([
      Promise.all(
        Array.from({ length: 10 }, (_, b) =>
          post('/v1/events/batch', flood.header, batch(`flood-${b}`, RATE_LIMIT)),
        ),
      ),
      Promise.all(
        Array.from({ length: 5 }, (_, i) => post('/v1/events', calm.header, champion(`calm-${i}`))),
      ),
    ]);
    expect(calmAnswers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    const floodStatuses = floodAnswers.map((a) => a.status).sort();
    expect(floodStatuses).toEqual([202, ...Array<number>(9).fill(429)]);
    const refused = floodAnswers.find((a) => a.status === 429)!;
    expect(await refused.json()).toMatchObject({ code: 'MM_ERR_INGEST_RATE_LIMITED' });
    await Promise.all(
      [...floodAnswers, ...calmAnswers].filter((a) => !a.bodyUsed).map((a) => a.body?.cancel()),
    );

    // Its budget spent, the token's next single event waits for the window too; a batch larger than a
    // whole window's budget can never pass and says so.
    const next = await post('/v1/events', flood.header, champion('flood-next'));
    expect(next.status).toBe(429);
    await next.body?.cancel();
    const tooBig = await post('/v1/events/batch', calm.header, batch('calm-big', RATE_LIMIT + 1));
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toMatchObject({ code: 'MM_ERR_INGEST_TOO_MANY_EVENTS', field: '(body)' });
  });

  it('verifies webhook signatures before spending a budget: unsigned junk never drives a signed delivery to 429', async () => {
    const junk = () =>
      fetch(`${url}/v1/webhooks/github`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json', 'x-github-event': 'release' },
      });
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT + 5; i++) {
      const answer = await junk();
      statuses.push(answer.status);
      await answer.body?.cancel();
    }
    // Failed verifications fill a bucket of their own, per sender address: 401 each, then 429.
    expect(new Set(statuses)).toEqual(new Set([401, 429]));
    expect(statuses.slice(-5)).toEqual([429, 429, 429, 429, 429]);
    // A genuine delivery from the same address is counted in its hook's budget alone.
    const ping = JSON.stringify({
      ...(JSON.parse(fixture('ping')) as object),
      zen: 'Signed after the junk.',
    });
    const signed = await github(ping, 'delivery-after-junk', 'ping');
    expect(signed.status).toBe(202);
    expect(await signed.json()).toMatchObject({ ignored: { code: 'ping' } });
  });
});
