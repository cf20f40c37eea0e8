import { storedScore } from './score.test-support.ts';
import { describe, expect, it } from 'vitest';
import type { StoredScore } from '@mesh-momentum/store';
import type { DayScores } from './store-access.ts';
import {
  indexTeams,
  listTeams,
  median,
  summariseTeam,
  TEAM_CSV_COLUMNS,
  teamCsvRow,
  teamHistory,
  teamIndexOf,
} from './teams.ts';
import { toCsv } from './csv.ts';
import { toView, type ScopeView } from './views.ts';

/** A product's score hash as the processor writes it (docs/redis-contract.md), as Redis returns it. */
const score = (over: Record<string, string>): StoredScore => storedScore({ eventCount: '3', ...over });

const product = (domain: string, id: string, over: Record<string, string>): ScopeView =>
  toView('product', score(over), domain, id);

/** Two teams across three domains, and one product published before owner teams were kept. */
const products: ScopeView[] = [
  product('payments', 'orders', { ownerTeam: 'core', momentum: '80', value: '60', quadrant: 'thriving' }),
  product('payments', 'refunds', {
    ownerTeam: 'core',
    momentum: '10',
    value: '5',
    quadrant: 'stalled',
    stalled: '1',
    stallReason: 'inactivity',
    lastPositiveEventMs: '1764000000000',
  }),
  product('hr', 'payroll', {
    ownerTeam: 'core',
    momentum: '30',
    value: '40',
    momentumTrend30: '-15',
    lastPositiveEventMs: '1764100000000',
  }),
  product('hr', 'absences', { ownerTeam: 'people', momentum: '70', value: '10', quadrant: 'hype' }),
  product('marketing', 'legacy', { momentum: '99' }),
];

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones, of unsorted input', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBe(0);
  });
});

describe('indexTeams', () => {
  it('groups products by owner team across domains and counts those without one apart', () => {
    const index = indexTeams(products);
    expect([...index.teams.keys()].sort()).toEqual(['core', 'people']);
    expect(index.teams.get('core')?.map((p) => p.id)).toEqual([
      'product:hr/payroll',
      'product:payments/orders',
      'product:payments/refunds',
    ]);
    expect(index.withoutOwnerTeam).toBe(1);
    // No team stands for "no team": a product without one is in no group.
    expect([...index.teams.values()].flat().some((p) => p.productId === 'legacy')).toBe(false);
  });

  it('ignores domains and the mesh, which have no owner team', () => {
    const index = indexTeams([...products, toView('domain', score({ ownerTeam: 'core' }), 'hr')]);
    expect(index.teams.get('core')).toHaveLength(3);
    expect(index.withoutOwnerTeam).toBe(1);
  });

  it('is computed once per product array (one snapshot generation)', () => {
    expect(teamIndexOf(products)).toBe(teamIndexOf(products));
    expect(teamIndexOf([...products])).not.toBe(teamIndexOf(products));
  });
});

describe('summariseTeam', () => {
  it("gives a team's size, domains, mean and median scores, quadrants, stalls and risks", () => {
    const core = indexTeams(products).teams.get('core') ?? [];
    expect(summariseTeam('core', core)).toEqual({
      team: 'core',
      products: 3,
      domains: ['hr', 'payments'],
      momentumMean: 40,
      momentumMedian: 30,
      valueMean: 35,
      valueMedian: 40,
      quadrants: { thriving: 1, hype: 0, grind: 1, stalled: 1 },
      stalled: 1,
      atRisk: 1,
      eventCount: 9,
      lastPositiveEventMs: 1764100000000,
    });
  });

  it('rounds means to 0.01 point', () => {
    const three = [
      product('a', 'x', { ownerTeam: 't', momentum: '1' }),
      product('a', 'y', { ownerTeam: 't', momentum: '1' }),
      product('a', 'z', { ownerTeam: 't', momentum: '2' }),
    ];
    expect(summariseTeam('t', three).momentumMean).toBe(1.33);
  });
});

describe('listTeams', () => {
  const summaries = indexTeams(products).summaries;
  const base = { sort: 'momentumMean', order: 'desc', limit: 10, offset: 0 } as const;

  it('sorts by a figure or by name, ties by name, and pages', () => {
    expect(listTeams(summaries, base).items.map((t) => t.team)).toEqual(['people', 'core']);
    expect(listTeams(summaries, { ...base, sort: 'products' }).items.map((t) => t.team)).toEqual([
      'core',
      'people',
    ]);
    expect(listTeams(summaries, { ...base, sort: 'team', order: 'asc' }).items.map((t) => t.team)).toEqual([
      'core',
      'people',
    ]);
    // A tie (both teams with no stalled product) is broken by name, whatever the order.
    const tied = listTeams(
      summaries.map((s) => ({ ...s, stalled: 0 })),
      { ...base, sort: 'stalled' },
    );
    expect(tied.items.map((t) => t.team)).toEqual(['core', 'people']);
    const page = listTeams(summaries, { ...base, limit: 1, offset: 1 });
    expect(page.total).toBe(2);
    expect(page.items.map((t) => t.team)).toEqual(['core']);
  });

  it('exports a team per CSV row, domains space-separated, quadrants in columns', () => {
    const core = summaries.find((s) => s.team === 'core');
    const csv = toCsv(core ? [teamCsvRow(core)] : [], TEAM_CSV_COLUMNS).split('\r\n');
    expect(csv[0]).toBe(
      'team,products,domains,momentumMean,momentumMedian,valueMean,valueMedian,thriving,hype,grind,stalledQuadrant,stalled,atRisk,eventCount,lastPositiveEventMs',
    );
    expect(csv[1]).toBe('core,3,hr payments,40,30,35,40,1,0,1,1,1,1,9,1764100000000');
  });
});

describe('teamHistory', () => {
  const DAY = 86_400_000;
  const series = (firstDay: number, points: readonly [number, number][]): DayScores[] =>
    points.map(([momentum, value], i) => ({
      dayMs: (firstDay + i) * DAY,
      momentum,
      value,
      momentumRaw: 0,
      valueRaw: 0,
    }));

  it("averages the products' scores day by day, matching days by date", () => {
    const a = series(100, [
      [10, 0],
      [20, 10],
      [30, 20],
    ]);
    // Written a day later: its days are 101..103.
    const b = series(101, [
      [40, 30],
      [50, 40],
      [60, 50],
    ]);
    expect(teamHistory([a, b], 10)).toEqual([
      { dayMs: 100 * DAY, momentum: 10, value: 0, products: 1 },
      { dayMs: 101 * DAY, momentum: 30, value: 20, products: 2 },
      { dayMs: 102 * DAY, momentum: 40, value: 30, products: 2 },
      { dayMs: 103 * DAY, momentum: 60, value: 50, products: 1 },
    ]);
  });

  it('keeps the last `days` days, and nothing for a team without history', () => {
    const a = series(100, [
      [10, 0],
      [20, 10],
      [30, 20],
    ]);
    expect(teamHistory([a], 2).map((d) => d.dayMs)).toEqual([101 * DAY, 102 * DAY]);
    expect(teamHistory([[], []], 30)).toEqual([]);
  });
});
