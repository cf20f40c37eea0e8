import { describe, expect, it } from 'vitest';
import { AlerterMetrics } from '@mesh-momentum/alerter';
import { createOpsServer } from '@mesh-momentum/service-kit';
import { routesOf } from '../fuzz/support/routes.ts';

/** The fuzz suite finds the routes to fuzz in the router itself: nested, parametric and wildcard ones. */
describe('routesOf', () => {
  it('lists every method of every route with its full path, HEAD left to GET', async () => {
    const app = createOpsServer(
      { live: () => true, ready: async () => ({ ready: true, checks: {} }) },
      new AlerterMetrics({ defaultMetrics: false }).registry,
    );
    const ok = async () => 'ok';
    app.get('/api/domains/:domain', ok);
    app.get('/api/domains/:domain/products/:productId', ok);
    app.post('/api/silences', ok);
    app.delete('/api/silences/:id', ok);
    app.get('/api/scores', ok);
    app.get('/api/scopes', ok);
    app.get('/*', ok);
    await app.ready();
    const listed = routesOf(app).map((r) => `${r.method} ${r.url}`);
    expect(listed.sort()).toEqual([
      'DELETE /api/silences/:id',
      'GET /*',
      'GET /api/domains/:domain',
      'GET /api/domains/:domain/products/:productId',
      'GET /api/scopes',
      'GET /api/scores',
      'GET /healthz',
      'GET /metrics',
      'GET /readyz',
      'POST /api/silences',
    ]);
    await app.close();
  });
});
