import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '@mesh-momentum/common';
import { WebhookVerificationError } from './errors.ts';
import { signGithubPayload, verifyGithubSignature, verifyOpenMetadataSignature } from './body-signature.ts';

// GitHub's documented example (docs "Validating webhook deliveries", test values).
const DOC_SECRET = "It's a Secret to Everybody";
const DOC_PAYLOAD = 'Hello, World!';
const DOC_SIGNATURE = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

function failure(fn: () => unknown): WebhookVerificationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error;
    throw error;
  }
  throw new Error('expected a WebhookVerificationError');
}

describe('verifyGithubSignature', () => {
  it("accepts GitHub's documented example", () => {
    expect(signGithubPayload(DOC_PAYLOAD, DOC_SECRET)).toBe(DOC_SIGNATURE);
    const result = verifyGithubSignature({ 'X-Hub-Signature-256': DOC_SIGNATURE }, DOC_PAYLOAD, {
      secrets: [DOC_SECRET],
    });
    expect(result.secretIndex).toBe(0);
  });

  it('accepts the body as bytes, as fastify hands over a raw buffer', () => {
    const body = new TextEncoder().encode(DOC_PAYLOAD);
    expect(() =>
      verifyGithubSignature({ 'x-hub-signature-256': DOC_SIGNATURE }, body, { secrets: [DOC_SECRET] }),
    ).not.toThrow();
  });

  it('refuses a wrong secret, a changed body and an upper-case spelling of the signature', () => {
    const wrong = failure(() =>
      verifyGithubSignature({ 'x-hub-signature-256': DOC_SIGNATURE }, DOC_PAYLOAD, { secrets: ['other'] }),
    );
    expect(wrong.code).toBe('MM_ERR_WEBHOOK_SIGNATURE_INVALID');
    expect(wrong.httpStatus).toBe(401);
    expect(wrong.header).toBe('x-hub-signature-256');
    expect(wrong.retriable).toBe(false);

    const changed = failure(() =>
      verifyGithubSignature({ 'x-hub-signature-256': DOC_SIGNATURE }, 'Hello, World?', {
        secrets: [DOC_SECRET],
      }),
    );
    expect(changed.code).toBe('MM_ERR_WEBHOOK_SIGNATURE_INVALID');

    const upper = failure(() =>
      verifyGithubSignature({ 'x-hub-signature-256': DOC_SIGNATURE.toUpperCase() }, DOC_PAYLOAD, {
        secrets: [DOC_SECRET],
      }),
    );
    expect(upper.code).toBe('MM_ERR_WEBHOOK_HEADER_MALFORMED');
    expect(upper.httpStatus).toBe(400);
  });

  it('names a missing or duplicated header', () => {
    const missing = failure(() => verifyGithubSignature({}, DOC_PAYLOAD, { secrets: [DOC_SECRET] }));
    expect(missing.code).toBe('MM_ERR_WEBHOOK_HEADER_MISSING');
    expect(missing.message).toBe('x-hub-signature-256: is missing');
    const twice = failure(() =>
      verifyGithubSignature({ 'x-hub-signature-256': [DOC_SIGNATURE, DOC_SIGNATURE] }, DOC_PAYLOAD, {
        secrets: [DOC_SECRET],
      }),
    );
    expect(twice.code).toBe('MM_ERR_WEBHOOK_HEADER_MALFORMED');
  });

  it('accepts either secret during a rotation and reports which one matched', () => {
    const headers = { 'x-hub-signature-256': signGithubPayload('{"a":1}', 'new-secret') };
    expect(
      verifyGithubSignature(headers, '{"a":1}', { secrets: ['old-secret', 'new-secret'] }).secretIndex,
    ).toBe(1);
    expect(() => verifyGithubSignature(headers, '{"a":1}', { secrets: ['old-secret'] })).toThrow(
      WebhookVerificationError,
    );
  });

  it('refuses to run without a secret (configuration error)', () => {
    expect(() =>
      verifyGithubSignature({ 'x-hub-signature-256': DOC_SIGNATURE }, '', { secrets: [] }),
    ).toThrow(expect.objectContaining({ code: ErrorCodes.CONFIG_INVALID }));
  });
});

describe('verifyOpenMetadataSignature', () => {
  it('checks X-OM-Signature the same way', () => {
    const body = '{"eventType":"entityCreated"}';
    const headers = { 'X-OM-Signature': signGithubPayload(body, 'om-secret') };
    expect(verifyOpenMetadataSignature(headers, body, { secrets: ['om-secret'] }).secretIndex).toBe(0);
    const error = failure(() => verifyOpenMetadataSignature(headers, body, { secrets: ['other'] }));
    expect(error.header).toBe('x-om-signature');
    expect(error.code).toBe('MM_ERR_WEBHOOK_SIGNATURE_INVALID');
  });
});

describe('body signatures (property)', () => {
  it('fail on any one-bit change of body or signature', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.constantFrom('body', 'signature'),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (body, target, index, bit) => {
          const signature = signGithubPayload(body, DOC_SECRET);
          const options = { secrets: [DOC_SECRET] };
          expect(() =>
            verifyGithubSignature({ 'x-hub-signature-256': signature }, body, options),
          ).not.toThrow();
          if (target === 'body') {
            const changed = Uint8Array.from(body);
            changed[index % changed.length] = changed[index % changed.length]! ^ (1 << bit);
            expect(() =>
              verifyGithubSignature({ 'x-hub-signature-256': signature }, changed, options),
            ).toThrow(WebhookVerificationError);
          } else {
            const bytes = Buffer.from(signature, 'latin1');
            bytes[index % bytes.length] = bytes[index % bytes.length]! ^ (1 << bit);
            expect(() =>
              verifyGithubSignature({ 'x-hub-signature-256': bytes.toString('latin1') }, body, options),
            ).toThrow(WebhookVerificationError);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
