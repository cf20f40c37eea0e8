import { describe, expect, it } from 'vitest';
import { isRetriableHttpStatus } from './http-status.ts';

describe('isRetriableHttpStatus', () => {
  it.each([408, 425, 429, 500, 502, 503, 504, 599])('calls %i retriable', (status) => {
    expect(isRetriableHttpStatus(status)).toBe(true);
  });

  it.each([200, 204, 301, 304, 400, 401, 403, 404, 409, 410, 413, 422, 499, 600])(
    'calls %i not retriable',
    (status) => {
      expect(isRetriableHttpStatus(status)).toBe(false);
    },
  );
});
