import { describe, expect, it } from 'vitest';
import { ev, T_2025 } from './scoring.test-support.ts';
import {
  applyStanding,
  EMPTY_STANDING,
  mergeStanding,
  ownerTeamOf,
  standingCounts,
  type StandingState,
} from './standing.ts';
import type { ScoringEvent } from './events.ts';

const gained = (timeMs: number, id?: string) =>
  ev({ timeMs, ...(id ? { id } : {}) }, { type: 'ChampionGained', personId: 'ana', role: 'champion' });
const lost = (timeMs: number, id?: string) =>
  ev({ timeMs, ...(id ? { id } : {}) }, { type: 'ChampionLost', personId: 'ana', role: 'champion' });

const fold = (events: ScoringEvent[]): StandingState => events.reduce(applyStanding, EMPTY_STANDING);

describe('standing support', () => {
  it('counts a champion whose loss was delivered before the gain but happened earlier', () => {
    const events = [lost(T_2025 + 1), gained(T_2025 + 2)];
    expect(standingCounts(fold(events)).champions).toBe(1);
    expect(standingCounts(fold([...events].reverse())).champions).toBe(1);
  });

  it('does not count a champion gained then lost, in any delivery order', () => {
    const events = [gained(T_2025 + 1), lost(T_2025 + 2)];
    expect(standingCounts(fold(events)).champions).toBe(0);
    expect(standingCounts(fold([...events].reverse())).champions).toBe(0);
  });

  it('never goes below zero: only a loss counts 0', () => {
    expect(standingCounts(fold([lost(T_2025), lost(T_2025 + 5)]))).toEqual({
      champions: 0,
      sponsors: 0,
      executiveSponsors: 0,
      consumers: 0,
    });
  });

  it('breaks time ties by id, then treats a full tie as lost', () => {
    expect(standingCounts(fold([gained(T_2025, 'b'), lost(T_2025, 'a')])).champions).toBe(1);
    expect(standingCounts(fold([lost(T_2025, 'a'), gained(T_2025, 'b')])).champions).toBe(1);
    expect(standingCounts(fold([gained(T_2025, 'a'), lost(T_2025, 'b')])).champions).toBe(0);
    expect(standingCounts(fold([gained(T_2025, 'x'), lost(T_2025, 'x')])).champions).toBe(0);
    expect(standingCounts(fold([lost(T_2025, 'x'), gained(T_2025, 'x')])).champions).toBe(0);
  });

  it('counts each role and consumer team separately, and is idempotent', () => {
    const events = [
      gained(T_2025),
      ev({ timeMs: T_2025 }, { type: 'ChampionGained', personId: 'ana', role: 'sponsor' }),
      ev({ timeMs: T_2025 }, { type: 'ChampionGained', personId: 'bo', role: 'executive_sponsor' }),
      ev({ timeMs: T_2025 }, { type: 'ConsumerOnboarded', productId: 'orders', consumerTeam: 'risk' }),
      ev({ timeMs: T_2025 }, { type: 'ConsumerOnboarded', productId: 'invoices', consumerTeam: 'risk' }),
      ev({ timeMs: T_2025 + 1 }, { type: 'ConsumerOffboarded', productId: 'invoices', consumerTeam: 'risk' }),
    ];
    const expected = { champions: 1, sponsors: 1, executiveSponsors: 1, consumers: 1 };
    expect(standingCounts(fold(events))).toEqual(expected);
    expect(standingCounts(fold([...events, ...events]))).toEqual(expected);
  });

  it('ignores events that do not change standing and returns the same state object', () => {
    const state = fold([gained(T_2025)]);
    expect(applyStanding(state, ev({ timeMs: T_2025 }, { type: 'DataProductRetired', productId: 'x' }))).toBe(
      state,
    );
    expect(applyStanding(state, lost(T_2025 - 1))).toBe(state);
  });

  it('merges by latest entry per key', () => {
    const a = fold([gained(T_2025 + 1)]);
    const b = fold([lost(T_2025 + 2)]);
    expect(mergeStanding(a, b)).toEqual(mergeStanding(b, a));
    expect(standingCounts(mergeStanding(a, b)).champions).toBe(0);
    expect(mergeStanding(a, a)).toEqual(a);
  });
});

describe('owner team', () => {
  const publishedBy = (timeMs: number, ownerTeam: string, id?: string) =>
    ev(
      { timeMs, ...(id ? { id } : {}) },
      { type: 'DataProductPublished', productId: 'orders', tier: 'standard', ownerTeam },
    );

  it('is the team of the latest publication, in any delivery order, and never counts as support', () => {
    const events = [publishedBy(T_2025 + 1, 'checkout'), publishedBy(T_2025 + 2, 'payments-core')];
    for (const order of [events, [...events].reverse()]) {
      const state = fold(order);
      expect(ownerTeamOf(Object.values(state))).toBe('payments-core');
      expect(standingCounts(state)).toEqual({
        champions: 0,
        sponsors: 0,
        executiveSponsors: 0,
        consumers: 0,
      });
    }
  });

  it('breaks a same-time tie by event id, so every replica agrees', () => {
    const a = publishedBy(T_2025, 'team-a', 'id-a');
    const b = publishedBy(T_2025, 'team-b', 'id-b');
    expect(ownerTeamOf(Object.values(fold([a, b])))).toBe('team-b');
    expect(ownerTeamOf(Object.values(fold([b, a])))).toBe('team-b');
  });

  it('is the team of a later discovery, and a discovery never counts as support', () => {
    const discovered = (timeMs: number, ownerTeam: string) =>
      ev({ timeMs, id: `d-${timeMs}` }, { type: 'DataProductDiscovered', productId: 'orders', ownerTeam });
    const events = [publishedBy(T_2025 + 1, 'checkout'), discovered(T_2025 + 2, 'catalog-team')];
    for (const order of [events, [...events].reverse()]) {
      const state = fold(order);
      expect(ownerTeamOf(Object.values(state))).toBe('catalog-team');
      expect(standingCounts(state).consumers).toBe(0);
    }
    const republished = fold([...events, publishedBy(T_2025 + 3, 'payments-core')]);
    expect(ownerTeamOf(Object.values(republished))).toBe('payments-core');
  });

  it('is undefined before any publication', () => {
    expect(ownerTeamOf(Object.values(fold([gained(T_2025)])))).toBeUndefined();
  });
});
