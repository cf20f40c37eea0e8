import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { ScoringConfig } from '@mesh-momentum/scoring';
import { scopeAlertDetailOf, scopeAlertOf } from '../alerts.ts';
import { buildDetail, daysToRead, refOf } from '../detail.ts';
import { ScopeNotFoundError } from '../errors.ts';
import { cachedAnswer, parse, sendTagged } from '../http.ts';
import type { SnapshotSource } from '../snapshot.ts';
import type { AnswerCache } from '../answer-cache.ts';
import { HISTORY_MAX_DAYS, type Mover } from '@mesh-momentum/store';
import type { DashboardStore } from '../store-access.ts';
import { decodeTargets } from '../targets.ts';
import { toCsv } from '../csv.ts';
import { CSV_COLUMNS, SORT_FIELDS, isAtRisk, listScopes, scopeId, type ScopeView } from '../views.ts';

export interface ReadRouteDeps {
  readonly store: DashboardStore;
  readonly cache: SnapshotSource;
  /** List answers kept per snapshot generation (bounded). */
  readonly answers: AnswerCache;
  readonly scoring: ScoringConfig;
  /** Changes when targets are set or removed through this instance (part of the detail ETag). */
  readonly targetsVersion: () => number;
}

/** Largest page, rows: a page of 1000 scopes is ~600 kB of JSON. */
export const MAX_PAGE = 1000;

const listQuery = z
  .object({
    kind: z.enum(['domain', 'product']).default('domain'),
    domain: z.string().min(1).optional(),
    // Empty: the products without an owner team (docs/dashboard.md, "Owner teams").
    ownerTeam: z.string().optional(),
    quadrant: z.enum(['thriving', 'hype', 'grind', 'stalled']).optional(),
    stalled: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    sort: z.enum(SORT_FIELDS).default('momentum'),
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(100),
    offset: z.coerce.number().int().min(0).default(0),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.ownerTeam !== undefined && q.kind !== 'product') {
      ctx.addIssue({
        code: 'custom',
        path: ['ownerTeam'],
        message: 'only data products have an owner team: use it with kind=product',
      });
    }
  });

const boardQuery = z
  .object({
    kind: z.enum(['domain', 'product']).default('domain'),
    limit: z.coerce.number().int().min(1).max(100).default(10),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();

const detailQuery = z
  .object({
    days: z.coerce.number().int().min(1).max(HISTORY_MAX_DAYS).default(365),
    horizon: z.coerce.number().int().min(1).max(365).default(90),
    movers: z.coerce.number().int().min(1).max(50).default(10),
  })
  .strict();

const historyQuery = z
  .object({ days: z.coerce.number().int().min(1).max(HISTORY_MAX_DAYS).default(365) })
  .strict();
const csvOnly = z.object({ format: z.enum(['json', 'csv']).default('json') }).strict();

export function registerReadRoutes(app: FastifyInstance, deps: ReadRouteDeps): void {
  const { cache, answers } = deps;
  const generation = () => String(cache.current.generation);
  /** A list answer (from the snapshot alone): kept per generation under its route and parsed query. */
  const cached = (
    reply: FastifyReply,
    route: string,
    query: { readonly format: 'json' | 'csv' },
    compute: () => string,
  ): Buffer => cachedAnswer(reply, answers, cache.current.generation, route, query, compute);

  // The overview takes no parameters: one answer per generation, whatever the query string.
  app.get('/api/overview', (request, reply) =>
    sendTagged(request, reply, generation(), () =>
      cached(reply, 'overview', { format: 'json' }, () => {
        const s = cache.current;
        return JSON.stringify({
          generation: s.generation,
          namespace: s.namespace,
          mesh: s.mesh,
          domains: s.domains,
          totals: {
            domains: s.domains.length,
            products: s.products.length,
            stalledDomains: s.domains.filter((d) => d.stalled).length,
            stalledProducts: s.products.filter((p) => p.stalled).length,
          },
          thresholds: deps.scoring.quadrant,
        });
      }),
    ),
  );

  app.get('/api/scopes', (request, reply) => {
    const q = parse(listQuery, request.query);
    return sendTagged(request, reply, generation(), () =>
      cached(reply, 'scopes', q, () => {
        const s = cache.current;
        const page = listScopes(q.kind === 'domain' ? s.domains : s.products, { ...q });
        return q.format === 'csv' ? csvText(page.items, CSV_COLUMNS) : JSON.stringify(page);
      }),
    );
  });

  app.get('/api/leaderboards', (request, reply) => {
    const q = parse(boardQuery, request.query);
    return sendTagged(request, reply, generation(), () =>
      cached(reply, 'leaderboards', q, () => {
        const s = cache.current;
        const views = q.kind === 'domain' ? s.domains : s.products;
        const top = (sort: 'momentum' | 'value' | 'momentumTrend30') =>
          listScopes(views, { sort, order: 'desc', limit: q.limit, offset: 0 }).items;
        const boards = { momentum: top('momentum'), value: top('value'), rising: top('momentumTrend30') };
        if (q.format === 'json') return JSON.stringify(boards);
        const rows = Object.entries(boards).flatMap(([board, items]) =>
          items.map((v, i) => ({ board, rank: i + 1, ...v })),
        );
        return csvText(rows, ['board', 'rank', ...CSV_COLUMNS]);
      }),
    );
  });

  // Each scope with its alert state (the alerter's: firing, pending, silenced, paused).
  app.get('/api/stalled', (request, reply) => {
    const q = parse(csvOnly, request.query);
    return sendTagged(request, reply, generation(), () =>
      cached(reply, 'stalled', q, () => {
        const s = cache.current;
        const all = [...s.domains, ...s.products];
        const withAlert = (v: ScopeView) => ({ ...v, alert: scopeAlertOf(s.alerts, v) });
        const stalled = all.filter((v) => v.stalled).map(withAlert);
        const atRisk = all
          .filter(isAtRisk)
          .sort((a, b) => a.momentumTrend30 - b.momentumTrend30)
          .map(withAlert);
        if (q.format === 'json') return JSON.stringify({ alerting: s.alerts.status, stalled, atRisk });
        const flat = (list: string) => (v: ReturnType<typeof withAlert>) => ({
          list,
          ...v,
          alertState: v.alert.state,
          alertBadge: v.alert.badge,
          alertSinceMs: v.alert.sinceMs,
        });
        const rows = [...stalled.map(flat('stalled')), ...atRisk.map(flat('at-risk'))];
        // The alert's columns last, so the scope columns keep their places.
        return csvText(rows, ['list', ...CSV_COLUMNS, 'alertState', 'alertBadge', 'alertSinceMs']);
      }),
    );
  });

  const findView = (id: string): ScopeView => {
    const view = cache.current.byId.get(id);
    if (!view) throw new ScopeNotFoundError(id);
    return view;
  };

  const detail = async (id: string, query: unknown) => {
    const q = parse(detailQuery, query);
    const view = findView(id);
    // The namespace the view was read from: history and movers come from the same one.
    const snapshot = deps.store.snapshotOf(cache.current.namespace ?? '');
    const refs = view.kind === 'mesh' ? cache.current.domains.map(refOf) : [refOf(view)];
    const [momentum, value, days, targets] = await Promise.all([
      deps.store.movers(snapshot, refs, 'momentum', q.movers),
      deps.store.movers(snapshot, refs, 'value', q.movers),
      deps.store.history(snapshot, refOf(view), daysToRead(q.days)),
      deps.store.targets(),
    ]);
    return buildDetail({
      view,
      kind: view.kind,
      days,
      raw: { momentum: view.momentumRaw, value: view.valueRaw },
      movers: { momentum: largest('momentum', momentum, q.movers), value: largest('value', value, q.movers) },
      targets: decodeTargets(targets).filter((t) => t.scopeId === id),
      historyDays: q.days,
      horizonDays: q.horizon,
      config: deps.scoring,
      alert: scopeAlertDetailOf(cache.current.alerts, view),
    });
  };
  // One scope's movers as read; the mesh (no movers set of its own): the largest of its domains'.
  const largest = (metric: 'momentum' | 'value', byScope: ReadonlyMap<string, Mover[]>, limit: number) => {
    const parts = [...byScope.values()];
    if (parts.length <= 1) return parts[0] ?? [];
    const halfLifeMs = deps.scoring[metric].halfLifeDays * 86_400_000;
    // |w| · 2^(t/H) orders contributions as at any common instant (the movers sets' own order).
    const size = (m: Mover) =>
      Math.abs(m.weight) * 2 ** ((m.timeMs - deps.scoring.anchorEpochMs) / halfLifeMs);
    return parts
      .flat()
      .sort((a, b) => size(b) - size(a))
      .slice(0, limit);
  };
  const detailVersion = () => `${generation()}/${deps.targetsVersion()}`;

  app.get('/api/mesh', (request, reply) => {
    findView('mesh');
    return sendTagged(request, reply, detailVersion(), () => detail('mesh', request.query));
  });
  app.get<{ Params: { domain: string } }>('/api/domains/:domain', (request, reply) => {
    const id = scopeId('domain', request.params.domain);
    findView(id);
    return sendTagged(request, reply, detailVersion(), () => detail(id, request.query));
  });
  app.get<{ Params: { domain: string; productId: string } }>(
    '/api/domains/:domain/products/:productId',
    (request, reply) => {
      const id = scopeId('product', request.params.domain, request.params.productId);
      findView(id);
      return sendTagged(request, reply, detailVersion(), () => detail(id, request.query));
    },
  );

  // History alone (charts that only need the line): one HGETALL and a walk over the days.
  app.get<{ Params: { domain: string } }>('/api/domains/:domain/history', (request, reply) => {
    const q = parse(historyQuery, request.query);
    const view = findView(scopeId('domain', request.params.domain));
    return sendTagged(request, reply, generation(), async () => {
      const snapshot = deps.store.snapshotOf(cache.current.namespace ?? '');
      const days = await deps.store.history(snapshot, refOf(view), q.days);
      return {
        scope: view.id,
        history: days.map(({ dayMs, momentum, value }) => ({ dayMs, momentum, value })),
      };
    });
  });
}

function csvText<T>(rows: readonly T[], columns: readonly string[]): string {
  return toCsv(rows as readonly Record<string, unknown>[], columns);
}
