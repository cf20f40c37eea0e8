import fastify from 'fastify';
import { storedScore } from '../score.test-support.ts';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCORING_CONFIG } from '@mesh-momentum/scoring';
import type { StoredScore } from '@mesh-momentum/store';
import { EMPTY_ALERT_BOARD } from '../alerts.ts';
import { AnswerCache } from '../answer-cache.ts';
import { installErrorReplies } from '@mesh-momentum/service-kit';
import { registerReadRoutes } from './read.ts';
import type { Snapshot } from '../snapshot.ts';
import type { DashboardStore } from '../store-access.ts';
import { toView, type ScopeView } from '../views.ts';

/** A score hash as the processor writes it, with the momentum given. */
const score = (momentum: number): StoredScore => storedScore({ momentum: String(momentum) });

function snapshotOf(domains: number, productsPerDomain: number): Snapshot {
  const domainViews: ScopeView[] = [];
  const products: ScopeView[] = [];
  for (let d = 0; d < domains; d++) {
    domainViews.push(toView('domain', score(d), `d${d}`));
    for (let p = 0; p < productsPerDomain; p++) products.push(toView('product', score(p), `d${d}`, `p${p}`));
  }
  const mesh = toView('mesh', score(50));
  const byId = new Map([mesh, ...domainViews, ...products].map((v) => [v.id, v]));
  return {
    namespace: 'v1',
    generation: 7,
    mesh,
    domains: domainViews,
    products,
    byId,
    alerts: EMPTY_ALERT_BOARD,
  };
}

async function appWith(answers: AnswerCache) {
  const app = fastify();
  installErrorReplies(app);
  registerReadRoutes(app, {
    // The list routes answer from the snapshot alone; they never reach the store.
    store: {} as DashboardStore,
    cache: { current: snapshotOf(5, 40) },
    answers,
    scoring: DEFAULT_SCORING_CONFIG,
    targetsVersion: () => 0,
  });
  await app.ready();
  return app;
}

describe('list answers kept by the read routes', () => {
  it('share one answer for one query however its parameters are ordered or spelled', async () => {
    const answers = new AnswerCache({ maxEntries: 100, maxBytes: 10_000_000 });
    const app = await appWith(answers);
    const urls = [
      '/api/scopes?kind=product&limit=5&offset=0',
      '/api/scopes?offset=0&limit=5&kind=product',
      '/api/scopes?offset=00&kind=product&limit=5&sort=momentum',
    ];
    const bodies = await Promise.all(urls.map(async (url) => (await app.inject({ url })).body));
    expect(new Set(bodies).size).toBe(1);
    expect(answers.entries).toBe(1);
    expect((JSON.parse(bodies[0] ?? '') as { items: unknown[] }).items).toHaveLength(5);
    // The overview takes no parameters: any query string is the one overview.
    await app.inject({ url: '/api/overview' });
    await app.inject({ url: '/api/overview?cache-buster=1' });
    expect(answers.entries).toBe(2);
    await app.close();
  });

  it('stay within their bound in entries and bytes, whatever query strings arrive', async () => {
    const answers = new AnswerCache({ maxEntries: 20, maxBytes: 200_000 });
    const app = await appWith(answers);
    for (let i = 0; i < 300; i++) {
      const res = await app.inject({ url: `/api/scopes?kind=product&limit=50&offset=${i}` });
      expect(res.statusCode).toBe(200);
      await app.inject({ url: `/api/overview?x=${i}` });
    }
    expect(answers.entries).toBeLessThanOrEqual(20);
    expect(answers.bytes).toBeLessThanOrEqual(200_000);
    await app.close();
  });

  it('keep JSON and CSV apart, each with its content type', async () => {
    const answers = new AnswerCache({ maxEntries: 100, maxBytes: 10_000_000 });
    const app = await appWith(answers);
    const json = await app.inject({ url: '/api/leaderboards?kind=product&limit=3' });
    const csv = await app.inject({ url: '/api/leaderboards?kind=product&limit=3&format=csv' });
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect((json.json() as { momentum: unknown[] }).momentum).toHaveLength(3);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toContain('leaderboards.csv');
    expect(csv.body.split('\r\n')[0]).toMatch(/^board,rank,id,/);
    const stalled = await app.inject({ url: '/api/stalled?format=csv' });
    expect(stalled.headers['content-disposition']).toContain('stalled.csv');
    expect(answers.entries).toBe(3);
    // An unchanged answer is still a 304 for a client holding its ETag.
    const again = await app.inject({
      url: '/api/leaderboards?kind=product&limit=3',
      headers: { 'if-none-match': String(json.headers['etag']) },
    });
    expect(again.statusCode).toBe(304);
    await app.close();
  });
});
