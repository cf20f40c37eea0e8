import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import type { DEFAULT_SCORING_CONFIG } from '@mesh-momentum/scoring';
import { AnswerCache } from './answer-cache.ts';
import { createDashboardApp } from './app.ts';
import { OPENAPI } from './openapi.ts';
import { SnapshotCache } from './snapshot.ts';
import { ChangeHub } from './sse.ts';
import type { DashboardStore } from './store-access.ts';

describe('OpenAPI document', () => {
  it('describes exactly the routes the app serves', async () => {
    // No Redis is touched: routes are only registered, never called.
    const store = {} as DashboardStore;
    const app = await createDashboardApp({
      store,
      cache: new SnapshotCache(store),
      answers: new AnswerCache({ maxEntries: 10, maxBytes: 1_048_576 }),
      hub: new ChangeHub({ maxClients: 1, maxPerClient: 1, highWaterBytes: 65_536, heartbeatMs: 15_000 }),
      scoring: {} as typeof DEFAULT_SCORING_CONFIG,
      probe: { live: () => true, ready: async () => ({ ready: true, checks: {} }) },
      metrics: new Registry(),
      targetWrites: { enabled: true, adminTokens: [] },
    });
    await app.ready();
    for (const [path, methods] of Object.entries(OPENAPI.paths)) {
      for (const method of Object.keys(methods)) {
        const url = path.replace(/\{(\w+)\}/g, ':$1');
        expect(app.hasRoute({ method: method.toUpperCase() as 'GET', url }), `${method} ${url}`).toBe(true);
      }
    }
    // And the other way: every API route printed by fastify is documented.
    const printed = app.printRoutes({ commonPrefix: false });
    const apiRoutes = [...printed.matchAll(/(\/api[\w/:-]*|\/openapi\.json) \(([A-Z, ]+)\)/g)];
    expect(apiRoutes.length).toBeGreaterThan(5);
    for (const [, url = '', methods = ''] of apiRoutes) {
      const path = url.replace(/:(\w+)/g, '{$1}') as keyof typeof OPENAPI.paths;
      expect(OPENAPI.paths[path], url).toBeDefined();
      for (const m of methods.split(', ').filter((m) => m !== 'HEAD')) {
        expect(Object.keys(OPENAPI.paths[path]), `${m} ${url}`).toContain(m.toLowerCase());
      }
    }
    await app.close();
  });
});
