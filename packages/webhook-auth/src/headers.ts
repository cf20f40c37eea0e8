import { WebhookErrorCodes, WebhookVerificationError } from './errors.ts';

/** Request headers as Node and fastify hand them over: names in any case, repeated headers as arrays. */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Raw request body: the exact bytes received. A re-serialised JSON object would not verify. */
export type RawBody = string | Uint8Array;

/**
 * The single value of header `name` (case-insensitive). A missing or empty header throws
 * MM_ERR_WEBHOOK_HEADER_MISSING; a header sent twice throws MM_ERR_WEBHOOK_HEADER_MALFORMED, because
 * which copy was signed cannot be known.
 */
export function requireHeader(headers: RequestHeaders, name: string): string {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    if (typeof value === 'string') values.push(value);
    else values.push(...value);
  }
  if (values.length > 1) {
    throw new WebhookVerificationError(
      WebhookErrorCodes.HEADER_MALFORMED,
      wanted,
      'is present more than once',
    );
  }
  const value = values[0]?.trim();
  if (value === undefined || value === '') {
    throw new WebhookVerificationError(WebhookErrorCodes.HEADER_MISSING, wanted, 'is missing');
  }
  return value;
}

export function bodyBytes(body: RawBody): Buffer {
  return typeof body === 'string'
    ? Buffer.from(body, 'utf8')
    : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}
