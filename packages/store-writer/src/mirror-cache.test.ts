import { describe, expect, it } from 'vitest';
import { emptyScopeMirror } from './domain-batch-plan.ts';
import { MirrorCache, type DomainMirror } from './mirror-cache.ts';

const KS = { prefix: 'mm', namespace: 'v1' };

/** A domain mirror whose one scope has `days` days with events (3 buckets per day: two sums, counts). */
function mirrorWith(domain: string, days: number): DomainMirror {
  const scope = emptyScopeMirror(KS, domain, { kind: 'domain' });
  for (let day = 0; day < days; day++) {
    scope.state.anchoredByDay.momentum.add(20_000 + day, 1);
    scope.state.anchoredByDay.value.add(20_000 + day, 1);
    scope.state.countsByDay.add(20_000 + day, 0, 1);
  }
  return { scopes: new Map([['domain', scope]]), topic: 'events', partition: 0, version: 1, seq: 1 };
}

describe('MirrorCache', () => {
  it('counts day buckets and drops the least recently used mirrors past the budget', () => {
    const cache = new MirrorCache(60);
    cache.set('a', mirrorWith('a', 10)); // 30 buckets
    cache.set('b', mirrorWith('b', 10));
    cache.set('c', mirrorWith('c', 10));
    expect(cache.stats()).toMatchObject({ domains: 3, scopes: 3, dayBuckets: 90 });
    cache.touch('a', 'events', 1); // a is now the most recent: b goes first
    expect(cache.evictOverBudget(() => false)).toEqual(['b']);
    expect(cache.stats().dayBuckets).toBe(60);
    expect(cache.has('b')).toBe(false);
    // Dropped for the budget, still owned: the refresh reads it again.
    expect(cache.owned().map(([d]) => d)).toEqual(['a', 'b', 'c']);
  });

  it('counts the score values a scope keeps as last written against the budget, not as day buckets', () => {
    const cache = new MirrorCache(34);
    const a = mirrorWith('a', 10); // 30 buckets
    cache.set('a', a);
    expect(cache.overBudget()).toBe(false);
    for (const scope of a.scopes.values()) scope.written = new Array<string>(21).fill('0');
    cache.recount('a');
    expect(cache.overBudget()).toBe(true); // 30 buckets + 5 for the written values > 34
    expect(cache.stats().dayBuckets).toBe(30);
  });

  it('never drops a mirror in use, nor the last one, even over the budget', () => {
    const cache = new MirrorCache(10);
    cache.set('a', mirrorWith('a', 10));
    cache.set('b', mirrorWith('b', 10));
    expect(cache.evictOverBudget((d) => d === 'a')).toEqual([]);
    expect(cache.stats().domains).toBe(1 + 1);
    const lone = new MirrorCache(1);
    lone.set('a', mirrorWith('a', 10));
    expect(lone.evictOverBudget(() => false)).toEqual([]);
  });

  it('recounts a mirror after a write merged more days into it', () => {
    const cache = new MirrorCache();
    const mirror = mirrorWith('a', 2);
    cache.set('a', mirror);
    mirror.scopes.get('domain')?.state.countsByDay.add(30_000, 0, 1);
    cache.recount('a');
    expect(cache.stats().dayBuckets).toBe(7);
  });

  it('forgets a disowned domain entirely, and everything on clear', () => {
    const cache = new MirrorCache();
    cache.set('a', mirrorWith('a', 1));
    cache.set('b', mirrorWith('b', 1));
    cache.disown('a');
    expect(cache.owned().map(([d]) => d)).toEqual(['b']);
    expect(cache.stats().dayBuckets).toBe(3);
    cache.clear();
    expect(cache.owned()).toEqual([]);
    expect(cache.stats()).toEqual({ domains: 0, scopes: 0, dayBuckets: 0, standingEntries: 0 });
  });
});

describe('MirrorCache after a reconnect', () => {
  it('drops every mirror but keeps the domains owned, so the tick still refreshes them', () => {
    const cache = new MirrorCache(40);
    cache.set('a', mirrorWith('a', 10));
    cache.set('b', mirrorWith('b', 10));
    expect(cache.overBudget()).toBe(true);
    cache.dropMirrors();
    expect(cache.stats()).toMatchObject({ domains: 0, dayBuckets: 0 });
    expect(cache.overBudget()).toBe(false);
    expect(cache.owned().map(([d]) => d)).toEqual(['a', 'b']);
  });
});
