import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createIdentityResolver, EMPTY_IDENTITY_CONFIG, mapGithubWebhook } from '@mesh-momentum/adapters';
import { loadConfig } from '@mesh-momentum/common';
import {
  EMPTY_GATEWAY_FILE,
  importHistory,
  ImportSourceError,
  ingestKeys,
  loadIngestConfig,
  Publisher,
  type GatewayFile,
  type IngestConfig,
} from '@mesh-momentum/ingest';
import { PROCESSOR_SECTION } from '@mesh-momentum/processor';
import { createMeshMomentumProducer } from '@mesh-momentum/sdk';
import {
  domainRef,
  INITIAL_NAMESPACE,
  keys as storeKeys,
  MomentumReader,
  productRef,
  PROGRESS_FIELDS,
  type StoredScore,
} from '@mesh-momentum/store';
import {
  isolatedEnv,
  startGithubOrgServer,
  waitFor,
  type GithubOrgServer,
  type PlayedRelease,
  type PlayedRepository,
} from '@mesh-momentum/testing';
import { TestPipeline } from './support/pipeline.ts';
import { productsOf, scoreOf } from './support/scores.ts';

/**
 * `pnpm ingest:import github` against a local server playing a GitHub organisation (REST shapes, Link
 * pagination, rate-limit headers), into real Kafka, the registry, Redis and the processor: several
 * pages, a rate limit in the middle, a restart mid-import, a second run and a webhook copy that add nothing.
 */
const DAY_MS = 86_400_000;
const AS_OF_MS = Date.now();
const OWNER = 'acme';
const SOURCE = 'https://github.com/acme';

function releases(count: number, firstId: number, lastDaysAgo: number): PlayedRelease[] {
  // Newest first, one every 7 days; the newest is a draft, the second a pre-release (both left out).
  return Array.from({ length: count }, (_, i) => ({
    id: firstId + count - i,
    tag_name: `v1.${count - i}.0`,
    published_at: i === 0 ? null : new Date(AS_OF_MS - (lastDaysAgo + 7 * i) * DAY_MS).toISOString(),
    ...(i === 0 ? { draft: true } : {}),
    ...(i === 1 ? { prerelease: true } : {}),
  }));
}

const repositories: PlayedRepository[] = [
  // 45 releases: three pages of at most 20; 43 are publications.
  {
    id: 1001,
    name: 'payments-orders',
    topics: ['mm-domain-payments'],
    updated_at: new Date(AS_OF_MS - DAY_MS).toISOString(),
    releases: releases(45, 10_000, 2),
  },
  {
    id: 1002,
    name: 'marketing-campaigns',
    topics: ['mm-domain-marketing'],
    archived: true,
    updated_at: new Date(AS_OF_MS - 30 * DAY_MS).toISOString(),
    releases: releases(14, 20_000, 40),
  },
  {
    id: 1003,
    name: 'payments-ledger',
    topics: ['mm-domain-payments'],
    updated_at: '2026-01-05T10:00:00Z',
    releases: [],
  },
  { id: 1004, name: 'website', topics: [], updated_at: '2026-02-01T10:00:00Z', releases: [] },
];
/** Publications (45 − 2 and 14 − 2) and the archiving. */
const EXPECTED = { payments: 43, marketing: 13 };

describe('pnpm ingest:import github', () => {
  let pipeline: TestPipeline;
  let server: GithubOrgServer;
  let config: IngestConfig;
  let file: GatewayFile;
  const waits: { ms: number }[] = [];
  const sleep = async (ms: number) => void waits.push({ ms });
  const run = (dryRun = false) =>
    importHistory(
      { tool: 'github', sinceMs: undefined, dryRun },
      { config, file, sleep, clock: () => AS_OF_MS, print: () => undefined },
    );

  beforeAll(async () => {
    const env = isolatedEnv(inject('services'), { name: 'import-github' });
    pipeline = new TestPipeline(loadConfig(env, PROCESSOR_SECTION));
    await pipeline.createTopics();
    await pipeline.startProcessor({ clock: () => AS_OF_MS });
    config = loadIngestConfig(env);
    server = await startGithubOrgServer({ owner: OWNER, repositories }, { maxPerPage: 20 });
    file = {
      ...EMPTY_GATEWAY_FILE,
      github: { source: SOURCE, secrets: ['s3cret-s3cret-s3cret'] },
      imports: { github: { owner: OWNER, apiUrl: server.url } },
    };
  });

  afterAll(async () => {
    await server?.close();
    await pipeline?.close();
  });

  /** Resolves once the processor has applied everything in the topic (its saved position is the end). */
  async function caughtUp(): Promise<void> {
    const admin = pipeline.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(pipeline.config.topics.events);
      const ks = { prefix: pipeline.config.redis.keyPrefix, namespace: INITIAL_NAMESPACE };
      await waitFor(
        async () => {
          const progress = await pipeline.redis.hgetall(storeKeys.partitionProgress(ks));
          const behind = ends.filter(
            (e) =>
              Number(e.high) > 0 &&
              Number(progress[PROGRESS_FIELDS.partition(pipeline.config.topics.events, e.partition)] ?? 0) <
                Number(e.high),
          );
          return behind.length === 0 ? true : undefined;
        },
        { what: 'the processor caught up with the topic', timeoutMs: 60_000, intervalMs: 200 },
      );
    } finally {
      await admin.disconnect();
    }
  }

  const reader = () => new MomentumReader(pipeline.redis, { prefix: pipeline.config.redis.keyPrefix });
  const scores = async (): Promise<Record<string, StoredScore | undefined>> => {
    const r = reader();
    const out: Record<string, StoredScore | undefined> = {};
    for (const domain of Object.keys(EXPECTED)) {
      out[domain] = await scoreOf(r, domainRef(domain));
      for (const productId of await productsOf(r, domain))
        out[productId] = await scoreOf(r, productRef(domain, productId));
    }
    return out;
  };

  it('a dry run counts per type and domain, lists the unmapped repository and what it leaves out, and sends nothing', async () => {
    const report = await run(true);
    expect(report.counts).toEqual({
      DataProductPublished: { payments: 43, marketing: 12 },
      DataProductRetired: { marketing: 1 },
    });
    expect(report.unmapped.map((u) => u.ref)).toEqual(['acme/website']);
    expect(report.skipped.map((s) => s.ref).sort()).toEqual([
      'acme/marketing-campaigns release v1.13.0',
      'acme/marketing-campaigns release v1.14.0',
      'acme/payments-orders release v1.44.0',
      'acme/payments-orders release v1.45.0',
    ]);
    const admin = pipeline.kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(pipeline.config.topics.events);
    await admin.disconnect();
    expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(0);
  });

  it('waits out a rate limit in the middle, resumes after a failure from its checkpoint, and back-dates every release', async () => {
    const page2 = `/repos/${OWNER}/payments-orders/releases?per_page=100&page=2`;
    const page3 = `/repos/${OWNER}/payments-orders/releases?per_page=100&page=3`;
    const resetS = Math.floor(AS_OF_MS / 1_000) + 60;
    server.fault(page2, {
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetS) },
      body: { message: 'API rate limit exceeded for installation.' },
    });
    server.fault(page2, { status: 429, headers: { 'retry-after': '7' } });
    server.fault(page2, { status: 403, body: { message: 'You have exceeded a secondary rate limit.' } });
    // The third page fails until the import gives up: a restart is needed.
    for (let i = 0; i < 5; i++) server.fault(page3, { status: 502 });
    waits.length = 0;

    const failed = await run().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(ImportSourceError);
    expect((failed as ImportSourceError).retriable).toBe(true);
    expect(waits.map((w) => w.ms)).toEqual([
      resetS * 1_000 - AS_OF_MS + 1_000,
      7_000,
      60_000,
      1_000,
      2_000,
      4_000,
      8_000,
    ]);
    const checkpointKey = ingestKeys(config.redis.keyPrefix).importCheckpoint('github', SOURCE);
    expect(JSON.parse((await pipeline.redis.get(checkpointKey)) as string)).toEqual({
      repository: `${OWNER}/payments-orders`,
      next: `${server.url}${page3}`,
    });

    const resumed = await run();
    expect(resumed).toMatchObject({
      resumed: true,
      events: 5,
      counts: { DataProductPublished: { payments: 5 } },
    });
    expect(await pipeline.redis.exists(checkpointKey)).toBe(0);
    await caughtUp();

    const after = await scores();
    expect(after['payments']?.eventCount).toBe(EXPECTED.payments);
    expect(after['marketing']?.eventCount).toBe(EXPECTED.marketing);
    const orders = after['payments.payments-orders'];
    expect(orders).toMatchObject({ eventCount: 43, ownerTeam: OWNER });
    // Back-dated: the newest publication (after the draft and the pre-release) is 2 + 2 × 7 days old.
    expect(orders?.lastEventMs).toBe(AS_OF_MS - 16 * DAY_MS);
    expect(after['marketing.marketing-campaigns']?.stallExemption).toBe('retired');
    expect(await productsOf(reader(), 'payments')).toEqual(['payments.payments-orders']);
  });

  it('a second run, and the webhook copy of an imported release, add nothing', async () => {
    const before = await scores();
    const again = await run();
    expect(again).toMatchObject({ resumed: false, events: 56 });

    // GitHub delivers a release already imported, under a delivery id of its own.
    const repository = { ...repositories[0], full_name: `${OWNER}/payments-orders`, owner: { login: OWNER } };
    const release = { ...(repositories[0]?.releases[5] as PlayedRelease), draft: false, prerelease: false };
    const webhook = mapGithubWebhook(
      {
        event: 'release',
        deliveryId: 'b6f4a3c0-delivered-later',
        payload: { action: 'published', release, repository },
      },
      { source: SOURCE, identity: createIdentityResolver(EMPTY_IDENTITY_CONFIG), receivedAtMs: AS_OF_MS },
    );
    expect(webhook.events).toHaveLength(1);
    const producer = createMeshMomentumProducer({ config, lingerMs: 1 });
    await Publisher.fromConfig(producer, config, 10_000).publishAll(webhook.events);
    await producer.close();
    await caughtUp();

    expect(await scores()).toEqual(before);
  });

  it('pnpm ingest:import dmm reads the feed from its beginning and hands its position to the live poller', async () => {
    const fixture = (name: string): unknown =>
      JSON.parse(
        readFileSync(new URL(`../../packages/adapters/src/dmm/fixtures/${name}`, import.meta.url), 'utf8'),
      );
    const feed = fixture('events-page.json') as { id: string }[];
    const feedServer: Server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const answer = (body: unknown) =>
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (url.pathname === '/api/events') {
        // Two events a page, oldest first, after the one named.
        const after = url.searchParams.get('lastEventId');
        const start = after === null ? 0 : feed.findIndex((e) => e.id === after) + 1;
        return answer(feed.slice(start, start + 2));
      }
      if (url.pathname === '/api/dataproducts/orders-daily')
        return answer(fixture('dataproduct-orders-daily.json'));
      if (url.pathname === '/api/access/2OzPnlv1OVp20sKQaqRQAl')
        return answer(fixture('access-2OzPnlv1OVp20sKQaqRQAl.json'));
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => feedServer.listen(0, '127.0.0.1', resolve));
    const dmmSource = 'https://dmm.acme.example';
    try {
      const report = await importHistory(
        { tool: 'dmm', sinceMs: undefined, dryRun: false },
        {
          config,
          file: {
            ...EMPTY_GATEWAY_FILE,
            pollers: {
              dmm: {
                source: dmmSource,
                url: `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}`,
                intervalMs: 10_000,
              },
            },
          },
          print: () => undefined,
        },
      );
      expect(report).toMatchObject({ tool: 'dmm', resumed: false });
      expect(report.events).toBeGreaterThan(0);
      // The live poller's own position: it goes on after the last event the import sent.
      const cursor = ingestKeys(config.redis.keyPrefix).dmmCursor(dmmSource);
      expect(await pipeline.redis.get(cursor)).toBe(feed.at(-1)?.id);
    } finally {
      feedServer.close();
    }
  });
});
