import { describe, expect, it } from 'vitest';
import type { ScopeScore } from '@mesh-momentum/scoring';
import { meshStallAfter } from './mesh-stall.ts';

const scoreWith = (stalled: boolean): ScopeScore =>
  ({
    stall: stalled ? { stalled, reason: 'decline', findings: [] } : { stalled, findings: [] },
  }) as unknown as ScopeScore;

describe('meshStallAfter', () => {
  it('starts a stall at the refresh and announces it', () => {
    const { stalledSinceMs, transition } = meshStallAfter([null, null, null], scoreWith(true), 500);
    expect(stalledSinceMs).toBe('500');
    expect(transition).toEqual({
      t: 'stall',
      d: 'mesh',
      scope: 'mesh',
      stalled: true,
      reason: 'decline',
      atMs: 500,
      sinceMs: 500,
    });
  });

  it('keeps the start while stalled, silently', () => {
    expect(meshStallAfter(['1', '200', 'decline'], scoreWith(true), 900)).toEqual({
      stalledSinceMs: '200',
      transition: undefined,
    });
  });

  it('announces the recovery with the rule and start of the stall that ended', () => {
    const { stalledSinceMs, transition } = meshStallAfter(['1', '200', 'inactivity'], scoreWith(false), 900);
    expect(stalledSinceMs).toBe('');
    expect(transition).toMatchObject({ stalled: false, reason: 'inactivity', atMs: 900, sinceMs: 200 });
  });
});
