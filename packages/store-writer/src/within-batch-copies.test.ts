import { describe, expect, it } from 'vitest';
import type { ScoringEvent } from '@mesh-momentum/scoring';
import type { BatchEvent } from './domain-batch-plan.ts';
import { withinBatchUnique } from './within-batch-copies.ts';

const WINDOW_MS = 7 * 86_400_000;
const EVENT = {
  id: 'e1',
  source: 'urn:test',
  domain: 'payments',
  type: 'ChampionGained',
  timeMs: 0,
  personId: 'p',
  role: 'champion',
} as ScoringEvent;

function copy(offset: number, recordTimeMs: number, dedupKey = 'urn:test|e1'): BatchEvent {
  return { offset: String(offset), recordTimeMs, dedupKey, event: EVENT };
}

describe('withinBatchUnique', () => {
  it('keeps the first copy of an event recorded in the same or a neighbouring period', () => {
    const events = [
      copy(1, 10 * WINDOW_MS),
      copy(2, 10 * WINDOW_MS + 5),
      copy(3, 11 * WINDOW_MS),
      copy(4, 9 * WINDOW_MS),
    ];
    expect(withinBatchUnique(events, WINDOW_MS).map((e) => e.offset)).toEqual(['1']);
  });

  it('keeps copies two periods apart, as the apply script does across batches', () => {
    const events = [copy(1, 10 * WINDOW_MS), copy(2, 12 * WINDOW_MS), copy(3, 13 * WINDOW_MS)];
    // 12 is two periods from 10 (kept); 13 neighbours 12, a kept copy (dropped).
    expect(withinBatchUnique(events, WINDOW_MS).map((e) => e.offset)).toEqual(['1', '2']);
  });

  it('keeps distinct events of the same period', () => {
    const events = [copy(1, 0, 'urn:test|a'), copy(2, 0, 'urn:test|b'), copy(3, 0, 'urn:other|a')];
    expect(withinBatchUnique(events, WINDOW_MS)).toHaveLength(3);
  });
});
