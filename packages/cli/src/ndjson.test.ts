import { describe, expect, it } from 'vitest';
import { MAX_LINE_CHARS, parseNdjsonLine } from './ndjson.ts';

describe('parseNdjsonLine', () => {
  it('splits the type from the fields', () => {
    expect(parseNdjsonLine('{"type":"ChampionGained","domain":"payments","personId":"p-1"}')).toEqual({
      kind: 'event',
      type: 'ChampionGained',
      input: { domain: 'payments', personId: 'p-1' },
    });
  });

  it('skips blank lines, including a trailing carriage return', () => {
    expect(parseNdjsonLine('')).toEqual({ kind: 'skip' });
    expect(parseNdjsonLine('  \r')).toEqual({ kind: 'skip' });
  });

  it('refuses what is not one JSON object with a type, saying why', () => {
    expect(parseNdjsonLine('{"type": "ChampionGained",')).toMatchObject({ kind: 'bad', reason: /^not JSON/ });
    expect(parseNdjsonLine('[1,2]')).toMatchObject({ kind: 'bad', reason: /JSON object/ });
    expect(parseNdjsonLine('42')).toMatchObject({ kind: 'bad', reason: /JSON object/ });
    expect(parseNdjsonLine('{"domain":"x"}')).toEqual({
      kind: 'bad',
      reason: 'type: missing (every line names its event type)',
    });
    expect(parseNdjsonLine(`{"type":"${'x'.repeat(MAX_LINE_CHARS)}"}`)).toMatchObject({ kind: 'bad' });
  });
});
