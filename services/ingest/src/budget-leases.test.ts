import { describe, expect, it } from 'vitest';
import { BudgetLeases } from './budget-leases.ts';

describe('BudgetLeases', () => {
  it('spends a lease locally until it runs out, never below zero', () => {
    const leases = new BudgetLeases();
    expect(leases.spend('t', 1, 0)).toBe(false);
    leases.add('t', 5, 1_000, 0);
    expect(leases.spend('t', 3, 10)).toBe(true);
    expect(leases.spend('t', 3, 10)).toBe(false);
    expect(leases.spend('t', 2, 10)).toBe(true);
    expect(leases.spend('t', 1, 10)).toBe(false);
  });

  it('drops what is left when its window ends', () => {
    const leases = new BudgetLeases();
    leases.add('t', 5, 1_000, 0);
    expect(leases.spend('t', 1, 999)).toBe(true);
    expect(leases.spend('t', 1, 1_000)).toBe(false);
    expect(leases.takeAll('t', 1_000)).toEqual({ units: 0, endsAtMs: 1_000 });
    // A later window's units replace the ended lease instead of adding to it.
    leases.add('t', 2, 2_000, 1_000);
    expect(leases.takeAll('t', 1_500)).toEqual({ units: 2, endsAtMs: 2_000 });
  });

  it('hands out and takes back what a lease holds, keeping the earlier window end', () => {
    const leases = new BudgetLeases();
    leases.add('t', 4, 1_000, 0);
    const held = leases.takeAll('t', 100);
    expect(held).toEqual({ units: 4, endsAtMs: 1_000 });
    expect(leases.spend('t', 1, 100)).toBe(false);
    leases.add('t', held.units, held.endsAtMs, 100);
    leases.add('t', 3, 5_000, 100);
    expect(leases.takeAll('t', 200)).toEqual({ units: 7, endsAtMs: 1_000 });
    // Budgets are separate.
    leases.add('a', 1, 1_000, 0);
    expect(leases.spend('b', 1, 0)).toBe(false);
    expect(leases.spend('a', 1, 0)).toBe(true);
  });
});
