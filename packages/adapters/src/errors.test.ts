import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AdapterErrorCodes, AdapterPayloadError, MappingInvalidError } from './errors.ts';

const docs = readFileSync(new URL('../../../docs/adapters/errors.md', import.meta.url), 'utf8');

function documented(): Map<string, [boolean, number]> {
  const rows = new Map<string, [boolean, number]>();
  for (const m of docs.matchAll(/^\|\s*`(MM_ERR_[A-Z_]+)`\s*\|\s*(yes|no)\s*\|\s*(\d{3})\s*\|/gm)) {
    rows.set(m[1]!, [m[2] === 'yes', Number(m[3])]);
  }
  return rows;
}

describe('adapter error codes', () => {
  it('documents every code with its retriable flag and HTTP status', () => {
    const rows = documented();
    const samples = [
      new AdapterPayloadError('github', 'release.tag_name', 'is required'),
      new MappingInvalidError('m.yaml', [{ entry: 'a', line: 3, reason: 'bad' }]),
    ];
    expect(samples.map((e) => e.code).sort()).toEqual(Object.values(AdapterErrorCodes).sort());
    for (const error of samples)
      expect([error.retriable, error.httpStatus], error.code).toEqual(rows.get(error.code));
    const adapterRows = [...rows.keys()].filter(
      (c) => c.startsWith('MM_ERR_ADAPTER_') || c.startsWith('MM_ERR_MAPPING_'),
    );
    expect(adapterRows.sort()).toEqual(Object.values(AdapterErrorCodes).sort());
  });

  it('names entry and line in the message', () => {
    expect(
      new MappingInvalidError('m.yaml', [
        { entry: 'a', line: 3, reason: 'bad' },
        { entry: 'b', reason: 'worse' },
      ]).message,
    ).toBe('invalid mapping m.yaml: a (line 3): bad; b: worse');
  });
});
