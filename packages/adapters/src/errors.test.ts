import { describe, expect, it } from 'vitest';
import { AdapterPayloadError, MappingInvalidError } from './errors.ts';

describe('adapter error codes', () => {
  it('answers a bad payload with 400 and a bad mapping file with 500, neither retriable', () => {
    const payload = new AdapterPayloadError('github', 'release.tag_name', 'is required');
    const mapping = new MappingInvalidError('m.yaml', [{ entry: 'a', line: 3, reason: 'bad' }]);
    expect([payload.code, payload.httpStatus, payload.retriable]).toEqual([
      'MM_ERR_ADAPTER_PAYLOAD_INVALID',
      400,
      false,
    ]);
    expect([mapping.code, mapping.httpStatus, mapping.retriable]).toEqual([
      'MM_ERR_MAPPING_INVALID',
      500,
      false,
    ]);
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
