import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DATA_ERROR_CODES,
  ERROR_CODE_INFO,
  ErrorCodes,
  EventTooLargeError,
  EventValidationError,
  isDataError,
  isRetriable,
  MeshMomentumError,
  RegistryRefusedError,
  RegistryUnavailableError,
  StoreUnavailableError,
} from './errors.ts';
import { documentedErrorCodes } from './errors.test-support.ts';

const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

describe('error codes', () => {
  it('documents every code in docs/errors.md with its retriability and HTTP status, and nothing else', () => {
    const documented = documentedErrorCodes(docs);
    expect([...documented.keys()].sort()).toEqual(Object.values(ErrorCodes).sort());
    for (const [code, info] of documented) {
      expect(info, code).toEqual(ERROR_CODE_INFO[code as keyof typeof ERROR_CODE_INFO]);
    }
  });

  it('lists the data errors in docs/errors.md as DATA_ERROR_CODES does, and tells them from dependency errors', () => {
    const paragraph = /^Data errors:([\s\S]*?)say the data itself is bad/m.exec(docs)?.[1] ?? '';
    const listed = [...paragraph.matchAll(/`(MM_ERR_[A-Z_]+)`/g)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...DATA_ERROR_CODES].sort());
    expect(isDataError(new EventValidationError('ChampionGained', [{ field: 'role', reason: 'x' }]))).toBe(
      true,
    );
    expect(isDataError(new EventTooLargeError('t', 2_000_000))).toBe(true);
    // A registry refusing the credentials (401) or missing the schema is the registry's problem, not the data's.
    expect(isDataError(new RegistryRefusedError('401', 401))).toBe(false);
    expect(isDataError(new MeshMomentumError(ErrorCodes.SCHEMA_UNKNOWN, 'no subject'))).toBe(false);
    expect(isDataError(new StoreUnavailableError('down'))).toBe(false);
    expect(isDataError(new Error('unknown'))).toBe(false);
  });

  it('takes retriable and httpStatus from the table, so no subclass can contradict the docs', () => {
    // RegistryUnavailableError was once raised with retriable: false for a 401; the option is ignored now.
    const unavailable = new MeshMomentumError(ErrorCodes.REGISTRY_UNAVAILABLE, 'x', { retriable: false });
    expect(unavailable).toMatchObject({ retriable: true, httpStatus: 503 });
    expect(new RegistryUnavailableError('down')).toMatchObject({ retriable: true, httpStatus: 503 });
    expect(new RegistryRefusedError('401', 401)).toMatchObject({ retriable: false, httpStatus: 502 });
    expect(new ConfigError([{ field: 'MM_X', reason: 'bad' }]).httpStatus).toBe(500);
    expect(new EventTooLargeError('t', 2_000_000)).toMatchObject({
      code: 'MM_ERR_EVENT_TOO_LARGE',
      retriable: false,
      httpStatus: 413,
    });
    // 'depends' codes take the caller's answer.
    const sendFailed = (retriable: boolean) =>
      new MeshMomentumError(ErrorCodes.PRODUCER_SEND_FAILED, 'x', { retriable });
    expect(sendFailed(true).retriable).toBe(true);
    expect(sendFailed(false).retriable).toBe(false);
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
