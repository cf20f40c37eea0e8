import { ErrorCodes, MeshMomentumError } from '@mesh-momentum/common';

/** The codes of webhook verification failures (documented with the others in docs/errors.md). */
export const WebhookErrorCodes = {
  HEADER_MISSING: ErrorCodes.WEBHOOK_HEADER_MISSING,
  HEADER_MALFORMED: ErrorCodes.WEBHOOK_HEADER_MALFORMED,
  TIMESTAMP_STALE: ErrorCodes.WEBHOOK_TIMESTAMP_STALE,
  SIGNATURE_INVALID: ErrorCodes.WEBHOOK_SIGNATURE_INVALID,
} as const;

export type WebhookErrorCode = (typeof WebhookErrorCodes)[keyof typeof WebhookErrorCodes];

/**
 * A webhook delivery that cannot be trusted. Never retriable: the same bytes fail the same way. `header`
 * names the header at fault (lower case), `reason` says why in words a tool's operator can act on; the
 * HTTP status (401 without valid credentials, 400 for a garbled header) comes with the code.
 */
export class WebhookVerificationError extends MeshMomentumError {
  readonly header: string;
  readonly reason: string;

  constructor(code: WebhookErrorCode, header: string, reason: string) {
    super(code, `${header}: ${reason}`);
    this.header = header;
    this.reason = reason;
  }
}
