import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchorsOf, markdownFiles, readDoc, repositoryFiles, ROOT, withoutCode } from './docs-markdown.ts';

/**
 * The docs as a reader follows them: every relative link of every Markdown file resolves to a file of
 * the repository (and its #anchor to a heading there), the README stays a front door with its picture,
 * and its folder map is the tree.
 */

interface Link {
  readonly file: string;
  readonly target: string;
}

/** Inline links and images outside code: `[text](target)`, `![alt](target "title")`. */
function relativeLinks(file: string): Link[] {
  return [...withoutCode(readDoc(file)).matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)]
    .map((m) => m[1] as string)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
    .map((target) => ({ file, target }));
}

/** Why a link does not resolve, or undefined. */
function brokenReason({ file, target }: Link): string | undefined {
  const [path = '', anchor] = target.split('#', 2);
  const resolved = path === '' ? file : normalize(join(dirname(file), decodeURIComponent(path)));
  if (resolved.startsWith('..')) return 'points outside the repository';
  if (!existsSync(join(ROOT, resolved))) return 'no such file';
  if (anchor === undefined || anchor === '') return undefined;
  if (statSync(join(ROOT, resolved)).isDirectory() || !resolved.endsWith('.md')) {
    return /^L\d+(-L\d+)?$/.test(anchor) ? undefined : `#${anchor} on a file that is not Markdown`;
  }
  return anchorsOf(readDoc(resolved)).has(anchor) ? undefined : `no heading for #${anchor}`;
}

describe('links in the docs', () => {
  const files = markdownFiles();

  it('reads the README, every page of docs/ and the services READMEs', () => {
    expect(files).toEqual(
      expect.arrayContaining(['README.md', 'docs/getting-started.md', 'docs/adapters/github.md']),
    );
    expect(files.some((f) => /^services\/[^/]+\/README\.md$/.test(f))).toBe(true);
  });

  it('every relative link resolves, #anchors included', () => {
    const broken = files
      .flatMap(relativeLinks)
      .map((link) => [link, brokenReason(link)] as const)
      .filter(([, reason]) => reason !== undefined)
      .map(([link, reason]) => `${link.file}: (${link.target}) ${reason}`);
    expect(broken).toEqual([]);
  });

  it('finds a broken file, a broken anchor and a link out of the repository', () => {
    expect(brokenReason({ file: 'README.md', target: 'docs/no-such-page.md' })).toBe('no such file');
    expect(brokenReason({ file: 'README.md', target: 'docs/scoring.md#no-such-heading' })).toBe(
      'no heading for #no-such-heading',
    );
    expect(brokenReason({ file: 'docs/glossary.md', target: 'scoring.md#weights-w_e' })).toBeUndefined();
    expect(brokenReason({ file: 'README.md', target: '../shared/SPEC.md' })).toBe(
      'points outside the repository',
    );
  });
});

describe('README.md, the front door', () => {
  const readme = readDoc('README.md');

  it('is at most 200 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(200);
  });

  it('shows the dashboard picture, committed and small', () => {
    expect(readme).toContain('](docs/images/dashboard-overview.png)');
    expect(statSync(join(ROOT, 'docs/images/dashboard-overview.png')).size).toBeLessThan(200_000);
  });

  it('names the two commands, the architecture and where to go next', () => {
    expect(readme).toContain('bash scripts/demo.sh');
    expect(readme).toContain('bash scripts/test.sh');
    expect(readme).toMatch(/producers[\s\S]*events[\s\S]*processor[\s\S]*store[\s\S]*readers/);
    expect(readme).toContain('## Where to go next');
  });

  it('points readers to MomentumReader, not to ScoreReader', () => {
    expect(readme).toContain('MomentumReader');
    expect(readme).not.toContain('ScoreReader');
  });

  /** The folders the map lists (`packages/x`, `infra/`) against the folders a clone has. */
  it('has a folder map that is the tree: every package and service, every top-level folder', () => {
    const map = /<!-- folder-map:start -->([\s\S]*?)<!-- folder-map:end -->/.exec(readme)?.[1] ?? '';
    const listed = [...map.matchAll(/^\|\s*`([^`]+)`/gm)].map((m) => (m[1] as string).replace(/\/$/, ''));
    const folders = new Set<string>();
    for (const path of repositoryFiles()) {
      const parts = path.split('/');
      if (parts.length < 2 || (parts[0] as string).startsWith('.')) continue;
      const top = parts[0] as string;
      // Packages and services by name; other top-level folders as a whole. Only top-level folders:
      // what is inside a service (routes/, workers/) moves without the map noticing.
      folders.add(['packages', 'services'].includes(top) && parts.length > 2 ? `${top}/${parts[1]}` : top);
    }
    folders.delete('packages');
    folders.delete('services');
    expect([...listed].sort()).toEqual([...folders].sort());
  });
});
