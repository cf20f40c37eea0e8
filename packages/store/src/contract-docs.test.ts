import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCORE_FIELDS } from './score-fields.ts';

const doc = readFileSync(new URL('../../../docs/redis-contract.md', import.meta.url), 'utf8');

describe('docs/redis-contract.md', () => {
  it('documents exactly the fields the processor writes into a score hash', () => {
    const section = /<!-- score-fields:start -->([\s\S]*?)<!-- score-fields:end -->/.exec(doc)?.[1] ?? '';
    const documented = [...section.matchAll(/^\|\s*`([a-zA-Z0-9]+)`\s*\|/gm)].map((m) => m[1]);
    expect(documented).toEqual([...SCORE_FIELDS]);
  });
});
