import { describe, expect, it } from 'vitest';
import { ERROR_CODE_INFO } from '@mesh-momentum/common';
import { WebhookErrorCodes, WebhookVerificationError } from './errors.ts';

describe('webhook error codes', () => {
  it('answer 401 without valid credentials and 400 for a garbled header, never retriable', () => {
    const statuses = Object.values(WebhookErrorCodes).map((code) => {
      const error = new WebhookVerificationError(code, 'webhook-id', 'x');
      expect(error.retriable, code).toBe(false);
      expect(error.httpStatus, code).toBe(ERROR_CODE_INFO[code].httpStatus);
      return [code, error.httpStatus];
    });
    expect(Object.fromEntries(statuses)).toEqual({
      MM_ERR_WEBHOOK_HEADER_MISSING: 401,
      MM_ERR_WEBHOOK_HEADER_MALFORMED: 400,
      MM_ERR_WEBHOOK_TIMESTAMP_STALE: 401,
      MM_ERR_WEBHOOK_SIGNATURE_INVALID: 401,
    });
  });
});
