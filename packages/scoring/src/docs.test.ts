import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyEvent, emptyAggregate, scoreOf } from './aggregate.ts';
import { DEFAULT_SCORING_CONFIG as C } from './config.ts';
import type { ScoringEvent } from './events.ts';
import { computeScores } from './reference.ts';

/** docs/scoring.md and the code cannot drift: the defaults table and the worked example are checked here. */
const doc = readFileSync(new URL('../../../docs/scoring.md', import.meta.url), 'utf8');

function jsonAfter(marker: string): unknown {
  const match = new RegExp(`<!-- ${marker} -->\\s*\`\`\`json\\n([\\s\\S]*?)\\n\`\`\``).exec(doc);
  if (!match?.[1]) throw new Error(`no json block after <!-- ${marker} --> in docs/scoring.md`);
  return JSON.parse(match[1]);
}

function leaves(value: unknown, path: string): [string, number][] {
  if (typeof value === 'number') return [[path, value]];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => leaves(child, path ? `${path}.${key}` : key));
}

describe('docs/scoring.md', () => {
  it('documents every numeric default with its value, and nothing else', () => {
    const documented = [...doc.matchAll(/^\| `([\w.]+)` *\| (-?[\d.]+) *\|/gm)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    expect(documented).toEqual(leaves(C, ''));
  });

  it('computes the worked example to the numbers written in it', () => {
    const asOfText = /\*\*asOf = (\S+)\*\*/.exec(doc)?.[1];
    expect(asOfText).toBe('2025-03-15T12:00:00Z');
    const asOfMs = Date.parse(asOfText ?? '');
    const events = (jsonAfter('worked-example:events') as ({ time: string } & Record<string, unknown>)[]).map(
      ({ time, ...rest }) => ({ ...rest, timeMs: Date.parse(time) }) as unknown as ScoringEvent,
    );
    const expected = jsonAfter('worked-example:expected') as {
      momentum: Record<string, number>;
      value: Record<string, number>;
      quadrant: string;
      counts7: Record<string, number>;
      counts30: Record<string, number>;
      standing: Record<string, number>;
      stalled: boolean;
    };
    const fromReference = computeScores(events, asOfMs, C).domains['payments'];
    const fromAggregate = scoreOf(
      events.reduce((agg, e) => applyEvent(agg, e, C), emptyAggregate()),
      asOfMs,
      C,
      { kind: 'domain' },
    );
    for (const score of [fromReference, fromAggregate]) {
      if (score === undefined) throw new Error('no score for domain payments');
      for (const metric of ['momentum', 'value'] as const) {
        for (const [key, value] of Object.entries(expected[metric])) {
          // The doc rounds to 4 decimals.
          expect(Math.abs(score[metric][key as 'raw'] - value), `${metric}.${key}`).toBeLessThanOrEqual(5e-5);
        }
      }
      expect(score.quadrant).toBe(expected.quadrant);
      expect(score.counts[7]).toMatchObject(expected.counts7);
      expect(score.counts[30]).toMatchObject(expected.counts30);
      expect(score.counts[90]).toEqual(score.counts[30]);
      expect(score.standing).toEqual(expected.standing);
      expect(score.stall.stalled).toBe(expected.stalled);
    }
  });
});
