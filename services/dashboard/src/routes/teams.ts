import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HISTORY_MAX_DAYS, refKey } from '@mesh-momentum/store';
import { refOf } from '../detail.ts';
import { TeamNotFoundError } from '../errors.ts';
import { cachedAnswer, parse, sendTagged } from '../http.ts';
import { MAX_PAGE, type ReadRouteDeps } from './read.ts';
import {
  listTeams,
  summariseTeam,
  TEAM_CSV_COLUMNS,
  TEAM_SORT_FIELDS,
  teamCsvRow,
  teamHistory,
  teamIndexOf,
} from '../teams.ts';
import { toCsv } from '../csv.ts';
import { listScopes, SORT_FIELDS } from '../views.ts';

const teamsQuery = z
  .object({
    sort: z.enum(TEAM_SORT_FIELDS).default('momentumMean'),
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(100),
    offset: z.coerce.number().int().min(0).default(0),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();

const teamQuery = z
  .object({
    days: z.coerce.number().int().min(1).max(HISTORY_MAX_DAYS).default(365),
    sort: z.enum(SORT_FIELDS).default('momentum'),
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

/**
 * Owner teams: `GET /api/teams` (every team with its figures, from the snapshot alone, kept per
 * generation like the other lists) and `GET /api/teams/:team` (the team's products across domains and
 * its daily history: the mean of its products' histories, read in one batch per slot).
 */
export function registerTeamRoutes(app: FastifyInstance, deps: ReadRouteDeps): void {
  const { cache, answers } = deps;

  app.get('/api/teams', (request, reply) => {
    const q = parse(teamsQuery, request.query);
    const s = cache.current;
    return sendTagged(request, reply, String(s.generation), () =>
      cachedAnswer(reply, answers, s.generation, 'teams', q, () => {
        const index = teamIndexOf(s.products);
        const page = listTeams(index.summaries, q);
        if (q.format === 'csv') {
          return toCsv(page.items.map(teamCsvRow), TEAM_CSV_COLUMNS);
        }
        return JSON.stringify({ ...page, withoutOwnerTeam: index.withoutOwnerTeam });
      }),
    );
  });

  app.get<{ Params: { team: string } }>('/api/teams/:team', (request, reply) => {
    const q = parse(teamQuery, request.query);
    const s = cache.current;
    const team = request.params.team;
    const products = teamIndexOf(s.products).teams.get(team);
    if (!products) throw new TeamNotFoundError(team);
    return sendTagged(request, reply, String(s.generation), async () => {
      // The namespace the views were read from: the histories come from the same one.
      const snapshot = deps.store.snapshotOf(s.namespace ?? '');
      const refs = products.map(refOf);
      const histories = await deps.store.histories(snapshot, refs, q.days);
      return {
        team: summariseTeam(team, products),
        products: listScopes(products, q),
        history: teamHistory(
          refs.map((ref) => histories.get(refKey(ref)) ?? []),
          q.days,
        ),
      };
    });
  });
}
