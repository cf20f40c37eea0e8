import type { ChainableCommander } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@mesh-momentum/common';
import {
  DashboardService,
  loadDashboardConfig,
  type ScopeDetail,
  type ScopeView,
} from '@mesh-momentum/dashboard';
import { DEFAULT_SCORING_CONFIG, type ScoringEvent } from '@mesh-momentum/scoring';
import { generateToken } from '@mesh-momentum/service-kit';
import { simulateProgramme } from '@mesh-momentum/simulator';
import { keys, type KeySpace, MomentumReader, type RedisClient, slotOf } from '@mesh-momentum/store';
import { ScoreStore } from '@mesh-momentum/store-writer';
import { waitFor } from '@mesh-momentum/testing';
import { toScoring } from './support/reference.ts';
import { byDomain, storeHarness } from './support/store-harness.ts';
import { domainsOf, productsOf } from './support/scores.ts';

/**
 * The dashboard reads only through the store's reader, so it runs on a Redis Cluster as on a single
 * Redis (this file is one of the `integration-cluster` scenarios). On a single Redis, the client it is
 * given refuses a pipeline whose keys span two slots, as a cluster does (CROSSSLOT), so a read that
 * would fail on a cluster fails here too. Scores are written with the write engine, no Kafka.
 */
interface PipelineCount {
  pipelines: number;
}

/** The real client, except that a pipeline (or MULTI) over keys of two slots is refused on exec. */
function refusingCrossSlot(client: RedisClient, count: PipelineCount): RedisClient {
  return new Proxy(client, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      if (prop !== 'pipeline' && prop !== 'multi') return value.bind(target) as unknown;
      return (...args: unknown[]) => slotChecked(value.apply(target, args) as ChainableCommander, count);
    },
  });
}

function slotChecked(pipeline: ChainableCommander, count: PipelineCount): ChainableCommander {
  const slots = new Set<number>();
  const proxy: ChainableCommander = new Proxy(pipeline, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      if (prop === 'exec') {
        return async () => {
          count.pipelines += 1;
          if (slots.size > 1) throw new Error(`CROSSSLOT: one pipeline over ${slots.size} slots`);
          return (value as () => unknown).call(target);
        };
      }
      return (...args: unknown[]) => {
        // Every command the reader pipelines (HGETALL, HGET, SMEMBERS, ZREVRANGE) names its key first.
        if (typeof args[0] === 'string') slots.add(slotOf(args[0]));
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        return result === target ? proxy : result;
      };
    },
  });
  return proxy;
}

describe('dashboard over the store reader (cluster-safe reads)', () => {
  const harness = storeHarness('dashboard-reader');
  const count: PipelineCount = { pipelines: 0 };
  let service: DashboardService;
  let app: Awaited<ReturnType<DashboardService['start']>>;
  let store: ScoreStore;
  let epoch: number;
  let events: ScoringEvent[];
  const asOfMs = Date.now();
  const admin = generateToken('lead');

  const write = async (target: ScoreStore, batch: readonly ScoringEvent[], topic: string, at: number) => {
    const taken = target === store ? epoch : await target.takeEpoch(topic, 0);
    await target.applyPartitionBatch({
      topic,
      partition: 0,
      epoch: taken,
      asOfMs: at,
      byDomain: byDomain(batch, 0),
    });
    await target.refreshMesh(at);
  };

  beforeAll(async () => {
    const redis = harness.redis();
    events = toScoring(simulateProgramme({ seed: 7, endMs: asOfMs - 3_600_000, scale: 0.3 }));
    store = new ScoreStore(redis, harness.ks, DEFAULT_SCORING_CONFIG);
    epoch = await store.takeEpoch('dashboard-reader', 0);
    await write(store, events, 'dashboard-reader', asOfMs);
    service = new DashboardService({
      redis: refusingCrossSlot(redis, count),
      keyPrefix: harness.ks.prefix,
      scoring: DEFAULT_SCORING_CONFIG,
      // A minute between timed refreshes: what arrives sooner came through the change feed.
      config: loadDashboardConfig({
        MM_DASHBOARD_HTTP_PORT: '0',
        MM_DASHBOARD_REFRESH_MS: '60000',
        MM_DASHBOARD_DEBOUNCE_MS: '10',
        MM_DASHBOARD_ADMIN_TOKENS: `lead=${admin.hash}`,
      }).dashboard,
      logger: createLogger({ name: 'test', level: 'warn' }),
    });
    app = await service.start();
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
  });

  const get = async <T>(url: string): Promise<T> => {
    const res = await app.inject({ url });
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return res.json() as T;
  };

  it('lists every domain and product the reader knows, read in batches that never cross a slot', async () => {
    const reader = new MomentumReader(harness.redis(), { prefix: harness.ks.prefix });
    const domains = await domainsOf(reader);
    expect(domains.length).toBeGreaterThan(1);
    const overview = await get<{ domains: ScopeView[]; mesh: ScopeView; totals: { products: number } }>(
      '/api/overview',
    );
    expect(overview.domains.map((d) => d.domain)).toEqual(domains);
    expect(overview.mesh.eventCount).toBe(events.length);
    let products = 0;
    for (const d of domains) products += (await productsOf(reader, d)).length;
    expect(overview.totals.products).toBe(products);
    const page = await get<{ total: number }>('/api/scopes?kind=product&limit=1000');
    expect(page.total).toBe(products);
    const boards = await get<{ momentum: ScopeView[] }>('/api/leaderboards?kind=product&limit=5');
    expect(boards.momentum).toHaveLength(5);
    expect(count.pipelines, 'the reads went through pipelines the guard checked').toBeGreaterThan(0);
  });

  it("answers a domain's, a product's and the mesh's page (history, movers of every domain)", async () => {
    const overview = await get<{ domains: ScopeView[] }>('/api/overview');
    const domain = overview.domains[0]?.domain ?? '';
    const domainPage = await get<ScopeDetail>(`/api/domains/${domain}?days=30`);
    expect(domainPage.history).toHaveLength(30);
    expect(domainPage.movers.momentum.length).toBeGreaterThan(0);
    const product = (await get<{ items: ScopeView[] }>(`/api/scopes?kind=product&domain=${domain}&limit=1`))
      .items[0];
    const productPage = await get<ScopeDetail>(
      `/api/domains/${domain}/products/${product?.productId ?? ''}?days=30`,
    );
    expect(productPage.scope.id).toBe(product?.id);
    const mesh = await get<ScopeDetail>('/api/mesh?days=30&movers=50');
    expect(mesh.history).toHaveLength(30);
    // The mesh's movers are the domains' largest: several domains' events among them.
    const sources = new Set(mesh.movers.momentum.map((m) => m.id.split('-')[2]));
    expect(sources.size).toBeGreaterThan(1);
    const history = await get<{ history: unknown[] }>(`/api/domains/${domain}/history?days=10`);
    expect(history.history).toHaveLength(10);
  });

  it('follows a written batch through the change feed, without waiting for the timed refresh', async () => {
    const domain = events[0]?.domain ?? '';
    const before = (await get<{ domains: ScopeView[] }>('/api/overview')).domains.find(
      (d) => d.domain === domain,
    );
    const live: ScoringEvent = {
      id: `live-${asOfMs}`,
      source: 'urn:test',
      domain,
      type: 'ChampionGained',
      timeMs: asOfMs - 60_000,
      personId: 'p-live',
      role: 'champion',
    };
    await write(store, [live], 'dashboard-reader', asOfMs + 1_000);
    await waitFor(
      async () => {
        const now = (await get<{ domains: ScopeView[] }>('/api/overview')).domains.find(
          (d) => d.domain === domain,
        );
        return now?.eventCount === (before?.eventCount ?? 0) + 1 ? true : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 20, what: 'the change to reach the dashboard' },
    );
  });

  it("answers a team's page across domains (histories of two slots, never in one pipeline)", async () => {
    const domains = [...new Set(events.map((e) => e.domain))].sort().slice(0, 2);
    expect(domains).toHaveLength(2);
    // Any non-empty owner team is valid: spaces, `&` and `/` must survive the URL.
    const team = 'data & ai/platform ops';
    const published: ScoringEvent[] = domains.map((domain, i) => ({
      id: `shared-${i}-${asOfMs}`,
      source: 'urn:test',
      domain,
      type: 'DataProductPublished',
      timeMs: asOfMs - 30 * 86_400_000,
      productId: `shared-${i}`,
      tier: 'standard',
      ownerTeam: team,
    }));
    await write(store, published, 'dashboard-reader', asOfMs + 2_000);
    const url = `/api/teams/${encodeURIComponent(team)}?days=60`;
    await waitFor(async () => ((await app.inject({ url })).statusCode === 200 ? true : undefined), {
      timeoutMs: 10_000,
      intervalMs: 20,
      what: 'the team to reach the dashboard',
    });
    const before = count.pipelines;
    const page = await get<{
      team: { products: number; domains: string[] };
      products: { items: ScopeView[] };
      history: { products: number; momentum: number }[];
    }>(url);
    expect(count.pipelines, 'the histories went through pipelines the guard checked').toBeGreaterThan(before);
    expect(page.team).toMatchObject({ products: 2, domains });
    expect(page.products.items.map((v) => v.id).sort()).toEqual(
      domains.map((d, i) => `product:${d}/shared-${i}`),
    );
    expect(page.history).toHaveLength(60);
    expect(page.history.at(-1)?.products).toBe(2);
    // Published 30 days ago: no momentum 40 days ago, some on the day of the publication.
    expect(page.history.at(-41)?.momentum).toBe(0);
    expect(page.history.at(-30)?.momentum).toBeGreaterThan(0);
    const teams = await get<{ items: { team: string }[] }>('/api/teams?sort=team&order=asc&limit=1000');
    expect(teams.items.map((t) => t.team)).toContain(team);
  });

  it('switches to a rebuilt namespace announced on the namespace channel', async () => {
    const redis = harness.redis();
    const rebuilt: KeySpace = { prefix: harness.ks.prefix, namespace: 'v2' };
    const only = events[0]?.domain ?? '';
    const other = new ScoreStore(redis, rebuilt, DEFAULT_SCORING_CONFIG);
    await write(
      other,
      events.filter((e) => e.domain === only),
      'dashboard-reader-v2',
      asOfMs,
    );
    await redis.set(keys.namespacePointer(rebuilt.prefix), rebuilt.namespace);
    await redis.publish(keys.namespaceChannel(rebuilt.prefix), rebuilt.namespace);
    await waitFor(
      async () => {
        const overview = await get<{ namespace: string; domains: ScopeView[] }>('/api/overview');
        return overview.namespace === 'v2' && overview.domains.map((d) => d.domain).join() === only
          ? true
          : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 20, what: 'the dashboard to follow the switch' },
    );
  });

  it('stores targets in its own hash for a holder of an admin token, and lists them to anyone', async () => {
    const domain = events[0]?.domain ?? '';
    const write = (headers: Record<string, string>) =>
      app.inject({
        method: 'PUT',
        url: `/api/targets?scope=domain:${domain}`,
        payload: { metric: 'value', level: 40, date: '2027-06-30' },
        headers,
      });
    const anonymous = await write({});
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ code: 'MM_ERR_ADMIN_UNAUTHENTICATED' });
    expect(await get<{ targets: unknown[] }>('/api/targets')).toEqual({ targets: [] });
    const put = await write({ authorization: `Bearer ${admin.token}` });
    expect(put.statusCode, put.body).toBe(200);
    expect(await get<{ targets: { scopeId: string }[] }>('/api/targets')).toMatchObject({
      targets: [{ scopeId: `domain:${domain}`, metric: 'value', level: 40 }],
    });
  });
});
