import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { alerterKeys, PAUSE_LIMITS, SILENCE_LIMITS } from '@mesh-momentum/alerting';
import { AlerterMetrics, AlertStore, registerAlerterApi, type AdminAccess } from '@mesh-momentum/alerter';
import { adminTokenList, createOpsServer, generateToken, listenHttp } from '@mesh-momentum/service-kit';
import { isolatedEnv, REPO_ROOT } from '@mesh-momentum/testing';
import { storeHarness } from './support/store-harness.ts';

const run = promisify(execFile);

type App = ReturnType<typeof createOpsServer>;

/** The alerter's HTTP server as services/alerter/src/service.ts builds it: the ops routes and the API. */
function alerterApp(
  store: AlertStore,
  clock: () => number,
  access: AdminAccess = { writes: true, adminTokens: [] },
): App {
  const app = createOpsServer(
    { live: () => true, ready: async () => ({ ready: true, checks: {} }) },
    new AlerterMetrics({ defaultMetrics: false }).registry,
  );
  registerAlerterApi(app, store, clock, access);
  return app;
}

/**
 * The alerter's HTTP API on real Redis (fastify's `inject`: the whole request pipeline, no socket),
 * and the CLI's own checks before it calls the API.
 */
const NOW = Date.UTC(2026, 2, 2, 9);

interface Refusal {
  statusCode: number;
  code: string;
  issues: { field: string; reason: string }[];
}

describe('alerter API: silences', () => {
  const harness = storeHarness('alerter-api-silences');
  let app: App;
  let store: AlertStore;
  beforeAll(async () => {
    store = new AlertStore(harness.redis(), alerterKeys(harness.ks.prefix));
    app = alerterApp(store, () => NOW);
    await app.ready();
  });
  afterAll(async () => app?.close());

  const post = (body: unknown) =>
    app.inject({ method: 'POST', url: '/api/silences', payload: body as object });
  const valid = { matchers: ['domain=hr'], durationMs: 3_600_000, createdBy: 'lead', comment: 'reorg' };

  it.each([
    [
      'a string for a boolean',
      { matchers: [{ name: 'domain', value: 'hr', isEqual: 'false' }] },
      'matchers.0.isEqual',
    ],
    ['a comment too long', { comment: 'x'.repeat(SILENCE_LIMITS.maxCommentLength + 1) }, 'comment'],
    ['an author too long', { createdBy: 'x'.repeat(SILENCE_LIMITS.maxCreatedByLength + 1) }, 'createdBy'],
    ['a matcher name too long', { matchers: [`${'n'.repeat(65)}=x`] }, 'matchers.0.name'],
    ['a matcher value too long', { matchers: [`domain=${'v'.repeat(257)}`] }, 'matchers.0.value'],
    ['too many matchers', { matchers: Array.from({ length: 17 }, () => 'domain=hr') }, 'matchers'],
    ['a catastrophic-looking regex', { matchers: ['product=~(a+)+'] }, 'matchers.0.value'],
    ['an invalid regex', { matchers: ['product=~('] }, 'matchers.0.value'],
    ['an unknown field', { endAt: NOW + 1 }, 'endAt'],
    ['a silence longer than the maximum', { durationMs: SILENCE_LIMITS.maxDurationMs + 1 }, 'durationMs'],
    [
      'an end before the start',
      { durationMs: undefined, startsAt: '2026-03-03T00:00:00Z', endsAt: '2026-03-02T23:00:00Z' },
      'endsAt',
    ],
    ['a time without a zone', { durationMs: undefined, endsAt: '2026-03-03T00:00:00' }, 'endsAt'],
  ])('refuses %s with 400 naming the field, and stores nothing', async (_what, change, field) => {
    const response = await post({ ...valid, ...change });
    expect(response.statusCode).toBe(400);
    const refusal = response.json<Refusal>();
    expect(refusal).toMatchObject({ statusCode: 400, code: 'MM_ERR_SILENCE_INVALID' });
    expect(refusal.issues.map((i) => i.field)).toEqual([field]);
    expect(await store.silences()).toEqual([]);
  });

  it('accepts a valid silence with ISO times and lists it', async () => {
    const response = await post({
      matchers: [{ name: 'product', value: 'hr\\..*', isRegex: true }, 'domain!=payments'],
      startsAt: '2026-03-02T09:00:00Z',
      endsAt: '2026-03-09T09:00:00Z',
      createdBy: 'lead@example.com',
      comment: 'reorg',
    });
    expect(response.statusCode).toBe(201);
    const created = response.json<{
      id: string;
      startsAtMs: number;
      endsAtMs: number;
      matchers: unknown[];
    }>();
    expect(created.startsAtMs).toBe(NOW);
    expect(created.endsAtMs).toBe(NOW + 7 * 86_400_000);
    expect(created.matchers).toEqual([
      { name: 'product', value: 'hr\\..*', isRegex: true, isEqual: true },
      { name: 'domain', value: 'payments', isRegex: false, isEqual: false },
    ]);
    const listed = (await app.inject({ method: 'GET', url: '/api/silences' })).json<{ id: string }[]>();
    expect(listed.map((s) => s.id)).toEqual([created.id]);
    // Compiled for the evaluation: matches hr's products, not payments'.
    const [compiled] = await store.compiledSilences();
    expect(compiled!.matches({ domain: 'hr', product: 'hr.payroll' })).toBe(true);
    expect(compiled!.matches({ domain: 'payments', product: 'hr.payroll' })).toBe(false);
  });
});

describe('alerter API: pauses', () => {
  const harness = storeHarness('alerter-api-pauses');
  let app: App;
  let store: AlertStore;
  let url: string;
  beforeAll(async () => {
    store = new AlertStore(harness.redis(), alerterKeys(harness.ks.prefix));
    app = alerterApp(store, () => NOW);
    url = (await listenHttp(app, { host: '127.0.0.1', port: 0 })).url;
  });
  afterAll(async () => app?.close());

  const post = (body: unknown) => app.inject({ method: 'POST', url: '/api/pauses', payload: body as object });

  it('pauses a scope under the documented key, replaces it, lists and resumes it', async () => {
    const created = await post({
      scope: 'domain:hr',
      reason: 'reorg',
      createdBy: 'lead',
      durationMs: 86_400_000,
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      scope: { kind: 'domain', domain: 'hr' },
      scopeKey: 'domain:hr',
      reason: 'reorg',
      createdBy: 'lead',
      createdAtMs: NOW,
      untilMs: NOW + 86_400_000,
    });
    // The documented key: <prefix>:{alerter}:pauses, field = scope key.
    const stored = await harness.redis().hget(`${harness.ks.prefix}:{alerter}:pauses`, 'domain:hr');
    expect(JSON.parse(stored!)).toMatchObject({ scopeKey: 'domain:hr', reason: 'reorg' });
    // Paused again: the new pause replaces the old one (200), without an end now.
    const replaced = await post({
      scope: { kind: 'domain', domain: 'hr' },
      reason: 'on hold',
      createdBy: 'cto',
    });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).not.toHaveProperty('untilMs');
    const product = await post({ scope: 'product:hr/hr.payroll', reason: 'migrating', createdBy: 'lead' });
    expect(product.statusCode).toBe(201);
    const listed = (await app.inject({ method: 'GET', url: '/api/pauses' })).json<{ scopeKey: string }[]>();
    expect(listed.map((p) => p.scopeKey)).toEqual(['domain:hr', 'product:hr/hr.payroll']);
    // Resumed by scope key, URL-encoded (a product's key holds a /).
    const resumed = await fetch(`${url}/api/pauses/${encodeURIComponent('product:hr/hr.payroll')}`, {
      method: 'DELETE',
    });
    expect(resumed.status).toBe(200);
    expect(((await resumed.json()) as { reason: string }).reason).toBe('migrating');
    const again = await app.inject({
      method: 'DELETE',
      url: `/api/pauses/${encodeURIComponent('product:hr/hr.payroll')}`,
    });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toMatchObject({ code: 'MM_ERR_PAUSE_NOT_FOUND' });
    expect((await store.pauses()).map((p) => p.scopeKey)).toEqual(['domain:hr']);
    await store.removePause('domain:hr');
  });

  it.each([
    ['no scope', { scope: undefined }, 'scope'],
    ['an unknown scope kind', { scope: 'team:data' }, 'scope'],
    ['a string for a number', { untilMs: String(NOW + 1) }, 'untilMs'],
    ['an end in the past', { untilMs: NOW - 1 }, 'untilMs'],
    ['a reason too long', { reason: 'x'.repeat(PAUSE_LIMITS.maxReasonLength + 1) }, 'reason'],
    ['an unknown field', { comment: 'x' }, 'comment'],
  ])('refuses %s with 400 naming the field', async (_what, change, field) => {
    const response = await post({ scope: 'domain:hr', reason: 'reorg', createdBy: 'lead', ...change });
    expect(response.statusCode).toBe(400);
    const refusal = response.json<Refusal>();
    expect(refusal.code).toBe('MM_ERR_PAUSE_INVALID');
    expect(refusal.issues.map((i) => i.field)).toEqual([field]);
    expect(await store.pauses()).toEqual([]);
  });

  it('pnpm alerter:pause adds, lists and removes through the API', async () => {
    const cli = (...args: string[]) =>
      run(
        process.execPath,
        ['--conditions=@mesh-momentum/source', 'services/alerter/src/bin/pause.ts', ...args, '--url', url],
        { cwd: REPO_ROOT },
      );
    const added = JSON.parse(
      (
        await cli(
          'add',
          '--scope',
          'mesh',
          '--reason',
          'programme on hold',
          '--by',
          'cto',
          '--duration',
          '30d',
        )
      ).stdout,
    ) as { scopeKey: string; untilMs: number };
    expect(added).toMatchObject({ scopeKey: 'mesh', untilMs: NOW + 30 * 86_400_000 });
    const listed = JSON.parse((await cli('list')).stdout) as { scopeKey: string }[];
    expect(listed.map((p) => p.scopeKey)).toEqual(['mesh']);
    expect(JSON.parse((await cli('remove', 'mesh')).stdout)).toMatchObject({ scopeKey: 'mesh' });
    await expect(cli('remove', 'mesh')).rejects.toMatchObject({ code: 1 });
    const refused = await cli('add', '--scope', 'team:x', '--reason', 'r', '--by', 'b').then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(refused?.code).toBe(2);
    expect(refused?.stderr).toMatch(/--scope \(scope\): must be mesh, domain:<domain> or product/);
  });
});

describe('alerter:silence CLI: the same checks before it calls the API', () => {
  const cli = (...args: string[]) =>
    run(
      process.execPath,
      [
        '--conditions=@mesh-momentum/source',
        'services/alerter/src/bin/silence.ts',
        ...args,
        // Nothing listens there: a request that got past the checks would fail with exit code 1.
        '--url',
        'http://127.0.0.1:9',
      ],
      { cwd: REPO_ROOT },
    );

  it.each([
    [
      'a catastrophic regex',
      ['--matcher', 'product=~(a+)+'],
      /--matcher #1 \(matchers\.0\.value\): catastrophic-looking/,
    ],
    [
      'a comment too long',
      ['--matcher', 'domain=hr', '--comment', 'x'.repeat(1_025)],
      /--comment: at most 1024 characters/,
    ],
    ['a matcher without operator', ['--matcher', 'not a matcher'], /--matcher #1 \(matchers\.0\): must be/],
  ])('%s → exit 2 naming the flag', async (_what, args, message) => {
    const base = { '--duration': '2h', '--by': 'lead', '--comment': 'why' };
    const flags = Object.entries(base).flatMap(([flag, value]) => (args.includes(flag) ? [] : [flag, value]));
    const failure = await cli('add', ...args, ...flags).then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toMatch(message);
  });
});

describe('alerter API: admin tokens', () => {
  const harness = storeHarness('alerter-api-auth');
  const lead = generateToken('lead');
  const adminTokens = adminTokenList.parse(`lead=${lead.hash}`);
  let app: App;
  let readOnly: App;
  let store: AlertStore;
  let url: string;
  beforeAll(async () => {
    store = new AlertStore(harness.redis(), alerterKeys(harness.ks.prefix));
    app = alerterApp(store, () => NOW, { writes: true, adminTokens });
    readOnly = alerterApp(store, () => NOW, { writes: false, adminTokens });
    url = (await listenHttp(app, { host: '127.0.0.1', port: 0 })).url;
  });
  afterAll(async () => {
    await app?.close();
    await readOnly?.close();
  });

  const silence = { matchers: ['domain=hr'], durationMs: 3_600_000, createdBy: 'lead', comment: 'reorg' };
  const pause = { scope: 'domain:hr', reason: 'reorg', createdBy: 'lead' };
  const writes = [
    { method: 'POST' as const, url: '/api/silences', payload: silence },
    { method: 'DELETE' as const, url: '/api/silences/nope' },
    { method: 'POST' as const, url: '/api/pauses', payload: pause },
    { method: 'DELETE' as const, url: `/api/pauses/${encodeURIComponent('domain:hr')}` },
  ];

  it('refuses every write without a configured token (401, Bearer), and stores nothing', async () => {
    for (const authorization of [
      undefined,
      'Bearer lead.wrong',
      `Bearer other.${lead.token.split('.')[1]}`,
      lead.token,
    ]) {
      for (const request of writes) {
        const response = await app.inject({ ...request, headers: authorization ? { authorization } : {} });
        expect(response.statusCode, `${request.method} ${request.url} with ${authorization}`).toBe(401);
        expect(response.headers['www-authenticate']).toBe('Bearer');
        expect(response.json()).toMatchObject({ code: 'MM_ERR_ADMIN_UNAUTHENTICATED' });
      }
    }
    expect(await store.silences()).toEqual([]);
    expect(await store.pauses()).toEqual([]);
  });

  it('accepts writes with the token; reads stay open', async () => {
    const authorization = `Bearer ${lead.token}`;
    const created = await app.inject({ ...writes[0]!, headers: { authorization } });
    expect(created.statusCode).toBe(201);
    expect(
      (await app.inject({ method: 'POST', url: '/api/pauses', payload: pause, headers: { authorization } }))
        .statusCode,
    ).toBe(201);
    for (const path of ['/api/silences', '/api/pauses', '/api/alerts']) {
      expect((await app.inject({ method: 'GET', url: path })).statusCode, path).toBe(200);
    }
    const id = created.json<{ id: string }>().id;
    expect(
      (await app.inject({ method: 'DELETE', url: `/api/silences/${id}`, headers: { authorization } }))
        .statusCode,
    ).toBe(200);
    expect((await app.inject({ ...writes[3]!, headers: { authorization } })).statusCode).toBe(200);
  });

  it('a read-only alerter answers every write 403, token or not', async () => {
    for (const request of writes) {
      const response = await readOnly.inject({
        ...request,
        headers: { authorization: `Bearer ${lead.token}` },
      });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ code: 'MM_ERR_ALERTER_WRITES_DISABLED' });
    }
    expect((await readOnly.inject({ method: 'GET', url: '/api/silences' })).statusCode).toBe(200);
  });

  it('the CLIs send --token, else ALERTER_ADMIN_TOKEN', async () => {
    const cli = (bin: string, args: string[], env: Record<string, string> = {}) =>
      run(
        process.execPath,
        ['--conditions=@mesh-momentum/source', `services/alerter/src/bin/${bin}.ts`, ...args, '--url', url],
        {
          cwd: REPO_ROOT,
          env: { PATH: process.env['PATH'] ?? '', ...env },
        },
      );
    const add = ['add', '--scope', 'domain:ops', '--reason', 'reorg', '--by', 'lead'];
    await expect(cli('pause', add)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('MM_ERR_ADMIN_UNAUTHENTICATED'),
    });
    await cli('pause', [...add, '--token', lead.token]);
    await cli('pause', ['remove', 'domain:ops'], { ALERTER_ADMIN_TOKEN: lead.token });
    const added = JSON.parse(
      (
        await cli(
          'silence',
          ['add', '--matcher', 'domain=ops', '--duration', '1h', '--by', 'lead', '--comment', 'c'],
          { ALERTER_ADMIN_TOKEN: lead.token },
        )
      ).stdout,
    ) as { id: string };
    await cli('silence', ['expire', added.id, '--token', lead.token]);
    expect(await store.pauses()).toEqual([]);
  });

  it('an alerter reachable beyond loopback with writes and no token refuses to start', async () => {
    const env = isolatedEnv(inject('services'), {
      name: 'alerter-open',
      env: { MM_ALERTER_HTTP_HOST: '0.0.0.0' },
    });
    const start = (extra: Record<string, string>) =>
      run(process.execPath, ['--conditions=@mesh-momentum/source', 'services/alerter/src/main.ts'], {
        cwd: REPO_ROOT,
        env: { PATH: process.env['PATH'] ?? '', ...env, ...extra },
        timeout: 30_000,
      });
    const refused = await start({}).then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toMatch(
      /MM_ALERTER_ADMIN_TOKENS: must hold at least one admin token when MM_ALERTER_HTTP_HOST=0\.0\.0\.0/,
    );
  });
});
