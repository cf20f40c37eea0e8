import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '@mesh-momentum/common';
import { WebhookErrorCodes, WebhookVerificationError } from './errors.ts';
import { bodyBytes, requireHeader, type RawBody, type RequestHeaders } from './headers.ts';

export const GITHUB_SIGNATURE_HEADER = 'x-hub-signature-256';
/** GitHub's delivery GUID: the same on a manual redelivery, so event ids derive from it. */
export const GITHUB_DELIVERY_HEADER = 'x-github-delivery';
export const GITHUB_EVENT_HEADER = 'x-github-event';
export const OPENMETADATA_SIGNATURE_HEADER = 'x-om-signature';

/** Lower-case hex only, as GitHub sends it: accepting both cases would let one signature have many spellings. */
const SIGNATURE_SHAPE = /^sha256=[0-9a-f]{64}$/;

export interface BodySignatureOptions {
  /** The webhook secrets configured in the tool; several while a secret is rotated. Each as UTF-8 text. */
  readonly secrets: readonly string[];
}

export interface BodySignatureVerified {
  /** Which of `secrets` matched (lets the operator see when the old secret is no longer used). */
  readonly secretIndex: number;
}

function checkSecrets(secrets: readonly string[]): void {
  if (secrets.length === 0)
    throw new ConfigError([{ field: 'secrets', reason: 'at least one secret is required' }]);
  secrets.forEach((secret, i) => {
    if (secret === '') throw new ConfigError([{ field: `secrets.${i}`, reason: 'must not be empty' }]);
  });
}

/** `sha256=<hex>` over the raw body, as GitHub sends it in X-Hub-Signature-256. */
export function signGithubPayload(body: RawBody, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(bodyBytes(body)).digest('hex')}`;
}

/**
 * Verifies a `sha256=<hex>` header holding the HMAC-SHA256 of the raw body (GitHub's
 * X-Hub-Signature-256, OpenMetadata's X-OM-Signature), compared in constant time against every
 * configured secret (rotation). Such tools sign neither a timestamp nor their delivery-id header, so a
 * receiver must recognise replays by the signed body (the ingest gateway keys its replay ledger on the
 * body's hash), never by the unsigned delivery id alone.
 *
 * @throws WebhookVerificationError MM_ERR_WEBHOOK_HEADER_MISSING, _HEADER_MALFORMED or _SIGNATURE_INVALID.
 * @throws ConfigError when no secret, or an empty one, is configured.
 */
export function verifyBodySignature(
  header: string,
  headers: RequestHeaders,
  body: RawBody,
  options: BodySignatureOptions,
): BodySignatureVerified {
  checkSecrets(options.secrets);
  const value = requireHeader(headers, header);
  if (!SIGNATURE_SHAPE.test(value)) {
    throw new WebhookVerificationError(
      WebhookErrorCodes.HEADER_MALFORMED,
      header,
      'must be sha256= followed by 64 lower-case hexadecimal digits',
    );
  }
  const given = Buffer.from(value.slice('sha256='.length), 'hex');
  const bytes = bodyBytes(body);
  let matched = -1;
  // Every secret is tried even after a match, so the time taken does not tell which one matched.
  options.secrets.forEach((secret, i) => {
    const expected = createHmac('sha256', secret).update(bytes).digest();
    if (timingSafeEqual(expected, given) && matched < 0) matched = i;
  });
  if (matched < 0) {
    throw new WebhookVerificationError(
      WebhookErrorCodes.SIGNATURE_INVALID,
      header,
      'does not match the body under any configured secret',
    );
  }
  return { secretIndex: matched };
}

/** GitHub's `X-Hub-Signature-256` (see `verifyBodySignature`). */
export function verifyGithubSignature(
  headers: RequestHeaders,
  body: RawBody,
  options: BodySignatureOptions,
): BodySignatureVerified {
  return verifyBodySignature(GITHUB_SIGNATURE_HEADER, headers, body, options);
}

/**
 * OpenMetadata's `X-OM-Signature`, sent when the webhook destination has a secret key: the same
 * `sha256=<hex>` HMAC of the body (see `verifyBodySignature`).
 */
export function verifyOpenMetadataSignature(
  headers: RequestHeaders,
  body: RawBody,
  options: BodySignatureOptions,
): BodySignatureVerified {
  return verifyBodySignature(OPENMETADATA_SIGNATURE_HEADER, headers, body, options);
}
