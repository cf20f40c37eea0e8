import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConfigTable } from '@mesh-momentum/common';
import { CONFIG_SECTIONS } from '../../scripts/config-sections.ts';

const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

/** Prettier pads table cells and rules; compare the cells, not the padding. */
function tableCells(markdown: string): string[][] {
  return markdown
    .trim()
    .split('\n')
    .filter((line) => line.trim().startsWith('|'))
    .map((line) =>
      line
        .trim()
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replace(/^-+$/, '---')),
    );
}

describe('docs/configuration.md', () => {
  it('documents every configuration variable with its real default', () => {
    const match = /<!-- config-table:start -->\n([\s\S]*?)\n<!-- config-table:end -->/.exec(doc);
    expect(match, 'docs/configuration.md lacks the config-table markers').not.toBeNull();
    // Regenerate with: pnpm docs:config --write
    expect(tableCells(match?.[1] ?? '')).toEqual(tableCells(renderConfigTable(CONFIG_SECTIONS)));
  });
});
