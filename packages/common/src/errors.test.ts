import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MeshMomentumError } from './errors.ts';
import {
  ConfigError,
  ErrorCodes,
  EventValidationError,
  FencedWriteError,
  isRetriable,
  RegistryUnavailableError,
  StoreUnavailableError,
  UndecodableEventError,
} from './errors.ts';

const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

/** `code` → `retriable` as the table in docs/errors.md states it ('depends': decided per cause). */
function documentedCodes(): Map<string, boolean | 'depends'> {
  const rows = new Map<string, boolean | 'depends'>();
  for (const match of docs.matchAll(/^\|\s*`(MM_ERR_[A-Z_]+)`\s*\|\s*(yes|no|depends)\s*\|/gm)) {
    rows.set(match[1] as string, match[2] === 'depends' ? 'depends' : match[2] === 'yes');
  }
  return rows;
}

describe('error codes', () => {
  it('documents every code in docs/errors.md, and nothing else', () => {
    expect([...documentedCodes().keys()].sort()).toEqual(Object.values(ErrorCodes).sort());
  });

  it('marks exactly the transient failures as retriable, as documented', () => {
    const documented = documentedCodes();
    const samples: MeshMomentumError[] = [
      new ConfigError([{ field: 'MM_X', reason: 'bad' }]),
      new EventValidationError('ChampionGained', [{ field: 'role', reason: 'bad' }]),
      new UndecodableEventError('garbage'),
      new RegistryUnavailableError('down'),
      new StoreUnavailableError('down'),
      new FencedWriteError(3, 'fenced'),
    ];
    for (const error of samples) {
      expect(error.retriable, error.code).toBe(documented.get(error.code));
      expect(isRetriable(error)).toBe(error.retriable);
    }
  });

  it('names every offending field in the message and keeps the cause', () => {
    const cause = new Error('root');
    const error = new EventValidationError('UseCaseDelivered', [
      { field: 'risk', reason: 'must be one of low, moderate, high' },
      { field: 'productIds', reason: 'must not be empty' },
    ]);
    expect(error.message).toBe(
      'invalid UseCaseDelivered: risk: must be one of low, moderate, high; productIds: must not be empty',
    );
    expect(error.field).toBe('risk');
    expect(error.name).toBe('EventValidationError');
    expect(new StoreUnavailableError('x', { cause }).cause).toBe(cause);
    expect(isRetriable(new Error('plain'))).toBe(false);
  });
});
