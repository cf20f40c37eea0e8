import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ALERT_CSV_COLUMNS, ALERT_STATE_FILTERS, alertCsvRow, listAlerts } from '../alerts.ts';
import { AlertNotFoundError } from '../errors.ts';
import { cachedAnswer, parse, sendTagged } from '../http.ts';
import { MAX_PAGE, type ReadRouteDeps } from './read.ts';
import { toCsv } from '../csv.ts';

const alertsQuery = z
  .object({
    state: z.enum(ALERT_STATE_FILTERS).optional(),
    domain: z.string().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(100),
    offset: z.coerce.number().int().min(0).default(0),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();

const jsonOnly = z.object({}).strict();

/**
 * The alerter's state, read-only (the alerter's own API is the only writer): `GET /api/alerts` (filtered,
 * paged, CSV), one alert with its evidence, `GET /api/silences` and `GET /api/pauses`. Every answer comes
 * from the snapshot's alert board (read once per refresh), kept per generation like the other lists;
 * `alerting.running` says whether an alerter holds its lease. No alerter: empty lists, not an error.
 */
export function registerAlertRoutes(app: FastifyInstance, deps: ReadRouteDeps): void {
  const { cache, answers } = deps;

  app.get('/api/alerts', (request, reply) => {
    const q = parse(alertsQuery, request.query);
    const s = cache.current;
    return sendTagged(request, reply, String(s.generation), () =>
      cachedAnswer(reply, answers, s.generation, 'alerts', q, () => {
        const page = listAlerts(s.alerts, q);
        if (q.format === 'csv') return toCsv(page.items.map(alertCsvRow), ALERT_CSV_COLUMNS);
        return JSON.stringify({ alerting: s.alerts.status, ...page });
      }),
    );
  });

  app.get<{ Params: { fingerprint: string } }>('/api/alerts/:fingerprint', (request, reply) => {
    parse(jsonOnly, request.query);
    const s = cache.current;
    const { fingerprint } = request.params;
    const state = s.alerts.states.get(fingerprint);
    const row = s.alerts.alerts.find((a) => a.fingerprint === fingerprint);
    if (!state) throw new AlertNotFoundError(fingerprint);
    // `row` is absent for an inactive alert (kept by the alerter, shown by no list).
    return sendTagged(request, reply, String(s.generation), () => ({ alert: row ?? null, stored: state }));
  });

  app.get('/api/silences', (request, reply) => {
    const q = { format: 'json' as const, ...parse(jsonOnly, request.query) };
    const s = cache.current;
    return sendTagged(request, reply, String(s.generation), () =>
      cachedAnswer(reply, answers, s.generation, 'silences', q, () =>
        JSON.stringify({ alerting: s.alerts.status, items: s.alerts.silences }),
      ),
    );
  });

  app.get('/api/pauses', (request, reply) => {
    const q = { format: 'json' as const, ...parse(jsonOnly, request.query) };
    const s = cache.current;
    return sendTagged(request, reply, String(s.generation), () =>
      cachedAnswer(reply, answers, s.generation, 'pauses', q, () =>
        JSON.stringify({ alerting: s.alerts.status, items: s.alerts.pauses }),
      ),
    );
  });
}
