import { QUADRANTS, type Quadrant } from '@mesh-momentum/scoring';
import type { DayScores } from './store-access.ts';
import { isAtRisk, type Page, type ScopeView } from './views.ts';

/**
 * Owner teams (pure): the data products grouped by the `ownerTeam` of their latest DataProductPublished,
 * with figures per team. A product without an owner team (never published, or a score hash written
 * before the processor kept the field) belongs to no team: it is left out of the teams and counted
 * apart (`withoutOwnerTeam`), since any name chosen for "no team" could also be a real team's name
 * (event validation allows any non-empty `ownerTeam`). `/api/scopes?kind=product&ownerTeam=` (empty)
 * lists those products.
 */
export interface TeamSummary {
  readonly team: string;
  /** Data products the team owns. */
  readonly products: number;
  /** The domains its products belong to, sorted. */
  readonly domains: readonly string[];
  readonly momentumMean: number;
  readonly momentumMedian: number;
  readonly valueMean: number;
  readonly valueMedian: number;
  /** Its products per quadrant (every quadrant present, zero or not). */
  readonly quadrants: Readonly<Record<Quadrant, number>>;
  /** Its products the stall rules flag. */
  readonly stalled: number;
  /** Its products at risk (momentum down 10 points or more in 30 days, not stalled). */
  readonly atRisk: number;
  /** Applied events of its products, summed. */
  readonly eventCount: number;
  /** The latest momentum-building event of any of its products, ms since the epoch. */
  readonly lastPositiveEventMs: number | undefined;
}

/** The products grouped by owner team (each group sorted by id), and those without one. */
export interface TeamIndex {
  readonly teams: ReadonlyMap<string, readonly ScopeView[]>;
  readonly summaries: readonly TeamSummary[];
  readonly withoutOwnerTeam: number;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

const byId = (a: ScopeView, b: ScopeView) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function mean(xs: readonly number[]): number {
  let sum = 0;
  for (const x of xs) sum += x;
  return xs.length === 0 ? 0 : r2(sum / xs.length);
}

/** The middle value; with an even count, the mean of the two middle ones. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const m = sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return r2(m);
}

export function summariseTeam(team: string, products: readonly ScopeView[]): TeamSummary {
  const quadrants = Object.fromEntries(QUADRANTS.map((q) => [q, 0])) as Record<Quadrant, number>;
  const domains = new Set<string>();
  let stalled = 0;
  let atRisk = 0;
  let eventCount = 0;
  let lastPositiveEventMs: number | undefined;
  for (const p of products) {
    if (p.quadrant in quadrants) quadrants[p.quadrant as Quadrant] += 1;
    if (p.domain !== undefined) domains.add(p.domain);
    if (p.stalled) stalled += 1;
    if (isAtRisk(p)) atRisk += 1;
    eventCount += p.eventCount;
    if (p.lastPositiveEventMs !== undefined && (lastPositiveEventMs ?? -Infinity) < p.lastPositiveEventMs) {
      lastPositiveEventMs = p.lastPositiveEventMs;
    }
  }
  const momenta = products.map((p) => p.momentum);
  const values = products.map((p) => p.value);
  return {
    team,
    products: products.length,
    domains: [...domains].sort(),
    momentumMean: mean(momenta),
    momentumMedian: median(momenta),
    valueMean: mean(values),
    valueMedian: median(values),
    quadrants,
    stalled,
    atRisk,
    eventCount,
    lastPositiveEventMs,
  };
}

export function indexTeams(products: readonly ScopeView[]): TeamIndex {
  const teams = new Map<string, ScopeView[]>();
  let withoutOwnerTeam = 0;
  for (const p of products) {
    if (p.kind !== 'product') continue;
    if (p.ownerTeam === undefined) {
      withoutOwnerTeam += 1;
      continue;
    }
    const group = teams.get(p.ownerTeam);
    if (group) group.push(p);
    else teams.set(p.ownerTeam, [p]);
  }
  for (const group of teams.values()) group.sort(byId);
  const summaries = [...teams].map(([team, group]) => summariseTeam(team, group));
  return { teams, summaries, withoutOwnerTeam };
}

/**
 * The index of one snapshot's products, computed once: the snapshot's product array is replaced on every
 * refresh that re-read products, so it identifies the generation's products.
 */
const indexes = new WeakMap<readonly ScopeView[], TeamIndex>();

export function teamIndexOf(products: readonly ScopeView[]): TeamIndex {
  let index = indexes.get(products);
  if (!index) {
    index = indexTeams(products);
    indexes.set(products, index);
  }
  return index;
}

export const TEAM_SORT_FIELDS = [
  'momentumMean',
  'momentumMedian',
  'valueMean',
  'valueMedian',
  'products',
  'stalled',
  'atRisk',
  'team',
] as const;
export type TeamSortField = (typeof TEAM_SORT_FIELDS)[number];

export interface TeamListQuery {
  readonly sort: TeamSortField;
  readonly order: 'asc' | 'desc';
  readonly limit: number;
  readonly offset: number;
}

/** Sorts (ties by team name, so pages are stable) and slices. */
export function listTeams(summaries: readonly TeamSummary[], query: TeamListQuery): Page<TeamSummary> {
  const sign = query.order === 'asc' ? 1 : -1;
  const key = query.sort;
  const byName = (a: TeamSummary, b: TeamSummary) => (a.team < b.team ? -1 : a.team > b.team ? 1 : 0);
  const sorted = [...summaries].sort((a, b) => {
    const primary = key === 'team' ? byName(a, b) : a[key] - b[key];
    return primary !== 0 ? sign * primary : byName(a, b);
  });
  return {
    total: sorted.length,
    offset: query.offset,
    limit: query.limit,
    items: sorted.slice(query.offset, query.offset + query.limit),
  };
}

/** One row of the teams' CSV export: the summary flattened (domains space-separated: no domain has one). */
export function teamCsvRow(s: TeamSummary): Record<(typeof TEAM_CSV_COLUMNS)[number], unknown> {
  return {
    team: s.team,
    products: s.products,
    domains: s.domains.join(' '),
    momentumMean: s.momentumMean,
    momentumMedian: s.momentumMedian,
    valueMean: s.valueMean,
    valueMedian: s.valueMedian,
    thriving: s.quadrants.thriving,
    hype: s.quadrants.hype,
    grind: s.quadrants.grind,
    stalledQuadrant: s.quadrants.stalled,
    stalled: s.stalled,
    atRisk: s.atRisk,
    eventCount: s.eventCount,
    lastPositiveEventMs: s.lastPositiveEventMs,
  };
}

export const TEAM_CSV_COLUMNS = [
  'team',
  'products',
  'domains',
  'momentumMean',
  'momentumMedian',
  'valueMean',
  'valueMedian',
  'thriving',
  'hype',
  'grind',
  'stalledQuadrant',
  'stalled',
  'atRisk',
  'eventCount',
  'lastPositiveEventMs',
] as const;

/** One day of a team's history: the mean of its products' normalised scores at the end of the day. */
export interface TeamDay {
  readonly dayMs: number;
  readonly momentum: number;
  readonly value: number;
  /** Products with a point that day (the mean is over them). */
  readonly products: number;
}

/**
 * The team's daily history: per UTC day, the mean of its products' scores (a product's days before its
 * first event count as 0, as its score was then). Days are matched by date, so products whose scores
 * were last written on different days still line up; the last `days` days are kept.
 */
export function teamHistory(series: readonly (readonly DayScores[])[], days: number): TeamDay[] {
  const byDay = new Map<number, { momentum: number; value: number; products: number }>();
  for (const points of series) {
    for (const p of points) {
      const day = byDay.get(p.dayMs);
      if (day) {
        day.momentum += p.momentum;
        day.value += p.value;
        day.products += 1;
      } else {
        byDay.set(p.dayMs, { momentum: p.momentum, value: p.value, products: 1 });
      }
    }
  }
  return [...byDay]
    .sort(([a], [b]) => a - b)
    .slice(-days)
    .map(([dayMs, d]) => ({
      dayMs,
      momentum: r2(d.momentum / d.products),
      value: r2(d.value / d.products),
      products: d.products,
    }));
}
