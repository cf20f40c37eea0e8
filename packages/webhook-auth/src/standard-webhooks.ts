import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '@mesh-momentum/common';
import { WebhookErrorCodes, WebhookVerificationError } from './errors.ts';
import { bodyBytes, requireHeader, type RawBody, type RequestHeaders } from './headers.ts';

/** Header names of the Standard Webhooks specification (https://www.standardwebhooks.com/). */
export const STANDARD_WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

/** The specification's recommended replay window: ±5 minutes around the receiver's clock, ms. */
export const DEFAULT_TIMESTAMP_TOLERANCE_MS = 5 * 60 * 1000;

const SECRET_PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** Unix seconds: digits only; 12 digits reach far beyond any plausible clock. */
const TIMESTAMP_SHAPE = /^\d{1,12}$/;
/** Bytes of an HMAC-SHA256 digest. */
const DIGEST_BYTES = 32;

/**
 * Decodes a `whsec_<base64>` secret to its key bytes.
 * @throws ConfigError naming `field` when the secret is not of that form or decodes to nothing.
 */
export function decodeStandardWebhookSecret(secret: string, field = 'secret'): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : undefined;
  if (encoded === undefined || !BASE64.test(encoded) || encoded.length % 4 !== 0) {
    throw new ConfigError([{ field, reason: 'must be whsec_ followed by base64 (padded) key bytes' }]);
  }
  const key = Buffer.from(encoded, 'base64');
  // The specification asks for 24 to 64 random bytes; fewer than 16 cannot be a real secret.
  if (key.length < 16) throw new ConfigError([{ field, reason: 'must hold at least 16 key bytes' }]);
  return key;
}

/** `whsec_<base64>` for key bytes (e.g. 32 bytes from crypto.randomBytes). */
export function encodeStandardWebhookSecret(key: Uint8Array): string {
  if (key.length < 16) throw new ConfigError([{ field: 'key', reason: 'must hold at least 16 bytes' }]);
  return SECRET_PREFIX + Buffer.from(key).toString('base64');
}

function signature(key: Buffer, id: string, timestamp: string, body: Buffer): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`, 'utf8').update(body).digest();
}

export interface StandardWebhookSignInput {
  /** Unique message id; the same on every retry of one message. */
  readonly id: string;
  /** Send time, ms since the epoch (sent as whole seconds). */
  readonly timestampMs: number;
  /** The exact body that will be sent. */
  readonly body: RawBody;
  /** `whsec_…` secrets; one signature each (several while the receiver rotates). */
  readonly secrets: readonly string[];
}

/** The three headers for one signed delivery. */
export function signStandardWebhook(input: StandardWebhookSignInput): Record<string, string> {
  if (input.secrets.length === 0) {
    throw new ConfigError([{ field: 'secrets', reason: 'at least one secret is required' }]);
  }
  if (input.id === '' || /[\s.]/.test(input.id)) {
    // A dot would make `${id}.${timestamp}.` ambiguous; whitespace would not survive the header.
    throw new ConfigError([{ field: 'id', reason: 'must be non-empty, without dots or whitespace' }]);
  }
  const timestamp = String(Math.floor(input.timestampMs / 1000));
  const body = bodyBytes(input.body);
  const entries = input.secrets.map(
    (secret, i) =>
      `v1,${signature(decodeStandardWebhookSecret(secret, `secrets.${i}`), input.id, timestamp, body).toString('base64')}`,
  );
  return {
    [STANDARD_WEBHOOK_HEADERS.id]: input.id,
    [STANDARD_WEBHOOK_HEADERS.timestamp]: timestamp,
    [STANDARD_WEBHOOK_HEADERS.signature]: entries.join(' '),
  };
}

export interface StandardWebhookVerifyOptions {
  /** `whsec_…` secrets accepted; several while a secret is rotated. */
  readonly secrets: readonly string[];
  /** The receiver's clock, ms since the epoch (injected: tests and replays stay deterministic). */
  readonly nowMs: number;
  /**
   * How far `webhook-timestamp` may lie from `nowMs`, either way, ms.
   * @defaultValue 300000 (5 minutes, the specification's recommendation)
   */
  readonly toleranceMs?: number;
}

export interface StandardWebhookVerified {
  /** `webhook-id`: the delivery identity, for de-duplication and deterministic event ids. */
  readonly webhookId: string;
  /** `webhook-timestamp` in ms since the epoch. */
  readonly timestampMs: number;
  readonly secretIndex: number;
}

/** Parses `v1,<base64> v1,<base64> …`; entries of other versions are skipped, as the spec asks. */
function v1Signatures(header: string): Buffer[] {
  const found: Buffer[] = [];
  for (const entry of header.split(' ')) {
    if (entry === '') continue;
    const comma = entry.indexOf(',');
    if (comma <= 0) {
      throw new WebhookVerificationError(
        WebhookErrorCodes.HEADER_MALFORMED,
        STANDARD_WEBHOOK_HEADERS.signature,
        'entries must be <version>,<base64 signature>, separated by spaces',
      );
    }
    if (entry.slice(0, comma) !== 'v1') continue;
    const encoded = entry.slice(comma + 1);
    const decoded = BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : undefined;
    // Only the canonical encoding counts: Node ignores the unused low bits of the last base64 character,
    // so without this check several header values would carry one signature (a malleable header).
    if (decoded === undefined || decoded.length !== DIGEST_BYTES || decoded.toString('base64') !== encoded) {
      throw new WebhookVerificationError(
        WebhookErrorCodes.HEADER_MALFORMED,
        STANDARD_WEBHOOK_HEADERS.signature,
        'a v1 entry must hold the canonical base64 of a 32-byte HMAC-SHA256',
      );
    }
    found.push(decoded);
  }
  return found;
}

/**
 * Verifies a Standard Webhooks delivery: HMAC-SHA256 over `${webhook-id}.${webhook-timestamp}.${body}`
 * with each configured secret, against each `v1` signature in `webhook-signature`, in constant time; the
 * timestamp must lie within the tolerance of `nowMs`, which bounds replays to that window (the caller
 * de-duplicates `webhook-id` within it).
 *
 * @throws WebhookVerificationError naming the header: missing, malformed, stale timestamp or no match.
 * @throws ConfigError when a configured secret is not `whsec_<base64>`.
 */
export function verifyStandardWebhook(
  headers: RequestHeaders,
  body: RawBody,
  options: StandardWebhookVerifyOptions,
): StandardWebhookVerified {
  if (options.secrets.length === 0) {
    throw new ConfigError([{ field: 'secrets', reason: 'at least one secret is required' }]);
  }
  const keys = options.secrets.map((secret, i) => decodeStandardWebhookSecret(secret, `secrets.${i}`));
  const id = requireHeader(headers, STANDARD_WEBHOOK_HEADERS.id);
  const timestamp = requireHeader(headers, STANDARD_WEBHOOK_HEADERS.timestamp);
  const signatureHeader = requireHeader(headers, STANDARD_WEBHOOK_HEADERS.signature);

  if (!TIMESTAMP_SHAPE.test(timestamp)) {
    throw new WebhookVerificationError(
      WebhookErrorCodes.HEADER_MALFORMED,
      STANDARD_WEBHOOK_HEADERS.timestamp,
      'must be whole seconds since the epoch',
    );
  }
  const timestampMs = Number(timestamp) * 1000;
  const toleranceMs = options.toleranceMs ?? DEFAULT_TIMESTAMP_TOLERANCE_MS;
  if (Math.abs(options.nowMs - timestampMs) > toleranceMs) {
    throw new WebhookVerificationError(
      WebhookErrorCodes.TIMESTAMP_STALE,
      STANDARD_WEBHOOK_HEADERS.timestamp,
      `${new Date(timestampMs).toISOString()} is more than ${toleranceMs / 1000} s from the receiver's clock`,
    );
  }

  const given = v1Signatures(signatureHeader);
  const bytes = bodyBytes(body);
  let matched = -1;
  // Every pair is compared even after a match: timing tells nothing about which secret or entry matched.
  keys.forEach((key, i) => {
    const expected = signature(key, id, timestamp, bytes);
    for (const candidate of given) {
      if (timingSafeEqual(expected, candidate) && matched < 0) matched = i;
    }
  });
  if (matched < 0) {
    throw new WebhookVerificationError(
      WebhookErrorCodes.SIGNATURE_INVALID,
      STANDARD_WEBHOOK_HEADERS.signature,
      given.length === 0 ? 'holds no v1 signature' : 'no v1 signature matches under any configured secret',
    );
  }
  return { webhookId: id, timestampMs, secretIndex: matched };
}
