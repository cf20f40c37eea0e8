import { describe, expect, it } from 'vitest';
import { parseImportArgs } from './args.ts';
import { ImportArgumentError } from './errors.ts';
import { nextPageUrl } from './github-history.ts';
import { progressLine } from './progress.ts';

describe('pnpm ingest:import arguments', () => {
  it('reads the tool, --since and --dry-run', () => {
    expect(parseImportArgs(['github', '--since', '2025-06-01', '--dry-run'])).toEqual({
      tool: 'github',
      sinceMs: Date.UTC(2025, 5, 1),
      dryRun: true,
    });
    expect(parseImportArgs(['github', '--since=2025-06-01T12:00:00+02:00'])?.sinceMs).toBe(
      Date.UTC(2025, 5, 1, 10),
    );
    expect(parseImportArgs(['openmetadata', '--dry-run'])?.tool).toBe('openmetadata');
    expect(parseImportArgs(['dmm'])).toEqual({ tool: 'dmm', sinceMs: undefined, dryRun: false });
    expect(parseImportArgs(['--help'])).toBeUndefined();
  });

  it.each([
    [['gitlab'], 'tool'],
    [[], 'tool'],
    [['github', 'dmm'], 'tool'],
    [['github', '--bogus'], 'arguments'],
    [['github', '--since', 'last week'], '--since'],
    [['github', '--since', '2025-13-45'], '--since'],
    [['dmm', '--dry-run'], '--dry-run'],
    [['dmm', '--since', '2025-01-01'], '--since'],
  ])('refuses %j, naming %s', (argv, field) => {
    let thrown: unknown;
    try {
      parseImportArgs(argv);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ImportArgumentError);
    expect(thrown).toMatchObject({ field, code: 'MM_ERR_IMPORT_ARGUMENT_INVALID', retriable: false });
  });
});

describe('Link pagination', () => {
  it('follows rel="next", resolved against the answer, and stops without one', () => {
    const link =
      '<https://api.github.com/repositories/1/releases?per_page=100&page=3>; rel="next", ' +
      '<https://api.github.com/repositories/1/releases?per_page=100&page=9>; rel="last"';
    expect(nextPageUrl('https://api.github.com/repos/a/b/releases', link)).toBe(
      'https://api.github.com/repositories/1/releases?per_page=100&page=3',
    );
    expect(nextPageUrl('https://ghe.example/api/v3/x', '</api/v3/x?page=2>; rel="next"')).toBe(
      'https://ghe.example/api/v3/x?page=2',
    );
    expect(
      nextPageUrl('https://api.github.com/x', '<https://api.github.com/x?page=1>; rel="prev"'),
    ).toBeNull();
    expect(nextPageUrl('https://api.github.com/x', null)).toBeNull();
  });
});

describe('progress line', () => {
  it('draws the share done, and what it waits for', () => {
    expect(progressLine('repositories', { done: 3, total: 6, events: 120 })).toBe(
      `[${'#'.repeat(15)}${'.'.repeat(15)}] 3/6 repositories, 120 events`,
    );
    expect(
      progressLine('pages', { done: 2, total: undefined, events: 7, waiting: 'rate-limit: waiting 60 s' }),
    ).toBe('2 pages, 7 events (rate-limit: waiting 60 s)');
  });
});
