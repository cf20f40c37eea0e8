import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * docs/security.md links each control to the test that proves it: a link that no longer resolves (a
 * test renamed or removed) fails here, so the threat model cannot silently lose its evidence.
 */
const docUrl = new URL('../../docs/security.md', import.meta.url);
const doc = readFileSync(docUrl, 'utf8');

/** Markdown links `[text](target)`; the text may hold escaped brackets and code. */
const LINK = /\[(?:[^\]\\]|\\.)*\]\(([^)\s]+)\)/g;

/** Relative link targets outside code spans (a code span may show link syntax as an example). */
function relativeLinks(markdown: string): string[] {
  return [...markdown.replace(/`[^`\n]*`/g, '').matchAll(LINK)]
    .map((m) => m[1] ?? '')
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('#'));
}

describe('docs/security.md', () => {
  it('links only files that exist', () => {
    const links = relativeLinks(doc);
    expect(links.length).toBeGreaterThan(20);
    const missing = links.filter(
      (link) => !existsSync(fileURLToPath(new URL(link.split('#')[0] ?? '', docUrl))),
    );
    expect(missing).toEqual([]);
  });

  it('names a test, or says why there is none, in every row of the threat model', () => {
    const rows = doc
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| ---') && !line.startsWith('| Asset'));
    const threatRows = rows.filter((row) => row.split(/(?<!\\)\|/).length === 6);
    expect(threatRows.length).toBeGreaterThan(20);
    const untested = threatRows.filter((row) => {
      const test = row.split(/(?<!\\)\|/)[4] ?? '';
      return !/\]\(\.\.\/[^)]+\.test\.ts\)/.test(test) && !/— \(/.test(test);
    });
    expect(untested).toEqual([]);
  });
});
