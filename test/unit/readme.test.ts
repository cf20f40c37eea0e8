import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConfigTable } from '@mesh-momentum/common';
import { CONFIG_SECTIONS } from '../../scripts/config-sections.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

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

describe('README.md', () => {
  it('documents every configuration variable with its real default', () => {
    const match = /<!-- config-table:start -->\n([\s\S]*?)\n<!-- config-table:end -->/.exec(readme);
    expect(match, 'README.md lacks the config-table markers').not.toBeNull();
    // Regenerate with: pnpm docs:config
    expect(tableCells(match?.[1] ?? '')).toEqual(tableCells(renderConfigTable(CONFIG_SECTIONS)));
  });

  it('names the two set-up commands that exist', () => {
    expect(readme).toContain('bash scripts/demo.sh');
    expect(readme).toContain('bash scripts/test.sh');
  });
});
