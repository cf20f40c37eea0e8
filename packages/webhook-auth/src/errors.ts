import { MeshMomentumError, type ErrorCode } from '@mesh-momentum/common';

/**
 * Codes of webhook verification failures. They live here until `ErrorCodes` in packages/common (a closed
 * union this package may not extend) takes them; docs/adapters/errors.md documents them and a test keeps
 * the two in step.
 */
export const WebhookErrorCodes = {
  HEADER_MISSING: 'MM_ERR_WEBHOOK_HEADER_MISSING',
  HEADER_MALFORMED: 'MM_ERR_WEBHOOK_HEADER_MALFORMED',
  TIMESTAMP_STALE: 'MM_ERR_WEBHOOK_TIMESTAMP_STALE',
  SIGNATURE_INVALID: 'MM_ERR_WEBHOOK_SIGNATURE_INVALID',
} as const;

export type WebhookErrorCode = (typeof WebhookErrorCodes)[keyof typeof WebhookErrorCodes];

/** HTTP status per code: a request without (valid) credentials is 401, a garbled header is 400. */
const HTTP_STATUS: Readonly<Record<WebhookErrorCode, 400 | 401>> = {
  MM_ERR_WEBHOOK_HEADER_MISSING: 401,
  MM_ERR_WEBHOOK_HEADER_MALFORMED: 400,
  MM_ERR_WEBHOOK_TIMESTAMP_STALE: 401,
  MM_ERR_WEBHOOK_SIGNATURE_INVALID: 401,
};

/**
 * A webhook delivery that cannot be trusted. Never retriable: the same bytes fail the same way. `header`
 * names the header at fault (lower case), `reason` says why in words a tool's operator can act on.
 */
export class WebhookVerificationError extends MeshMomentumError {
  readonly header: string;
  readonly reason: string;
  readonly httpStatus: 400 | 401;

  constructor(code: WebhookErrorCode, header: string, reason: string) {
    // The one bridge to the common union (see WebhookErrorCodes); the value is a documented MM_ERR_* code.
    super(code as unknown as ErrorCode, `${header}: ${reason}`);
    this.header = header;
    this.reason = reason;
    this.httpStatus = HTTP_STATUS[code];
  }
}

export function webhookHttpStatus(code: WebhookErrorCode): 400 | 401 {
  return HTTP_STATUS[code];
}
