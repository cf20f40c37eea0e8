import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '@mesh-momentum/common';
import { WebhookVerificationError } from './errors.ts';
import {
  decodeStandardWebhookSecret,
  encodeStandardWebhookSecret,
  signStandardWebhook,
  verifyStandardWebhook,
} from './standard-webhooks.ts';

const SECRET = encodeStandardWebhookSecret(Buffer.alloc(32, 7));
const OTHER_SECRET = encodeStandardWebhookSecret(Buffer.alloc(32, 9));
const NOW_MS = Date.UTC(2026, 11, 1, 2, 0, 0);
const BODY = '{"type":"DataProductPublished","productId":"payments.orders"}';

function failure(fn: () => unknown): WebhookVerificationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error;
    throw error;
  }
  throw new Error('expected a WebhookVerificationError');
}

function signed(overrides: { id?: string; timestampMs?: number; body?: string; secrets?: string[] } = {}) {
  return signStandardWebhook({
    id: overrides.id ?? 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
    timestampMs: overrides.timestampMs ?? NOW_MS,
    body: overrides.body ?? BODY,
    secrets: overrides.secrets ?? [SECRET],
  });
}

/** Flips bit `bit` (0–7) of byte `index` of a string's UTF-8 bytes. */
function flipBit(value: string, index: number, bit: number): string {
  const bytes = Buffer.from(value, 'utf8');
  const at = index % bytes.length;
  bytes[at] = bytes[at]! ^ (1 << bit);
  return bytes.toString('latin1');
}

describe('Standard Webhooks', () => {
  it('verifies what it signs and returns the delivery identity', () => {
    const headers = signed();
    const result = verifyStandardWebhook(headers, BODY, { secrets: [SECRET], nowMs: NOW_MS });
    expect(result).toEqual({
      webhookId: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
      timestampMs: NOW_MS,
      secretIndex: 0,
    });
  });

  it('matches the specification example (whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw)', () => {
    // Test vector of the Standard Webhooks reference libraries.
    const headers = {
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    };
    const body = '{"test": 2432232314}';
    const result = verifyStandardWebhook(headers, body, {
      secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      nowMs: 1614265330_000,
    });
    expect(result.webhookId).toBe('msg_p5jXN8AQM9LWM0D4loKWxJek');
  });

  it('fails on any one-bit change of body, id, timestamp or signature', () => {
    const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
    fc.assert(
      fc.property(
        id,
        fc.string({ minLength: 1, maxLength: 200 }),
        fc.integer({ min: -240, max: 240 }),
        fc.constantFrom('body', 'webhook-id', 'webhook-timestamp', 'webhook-signature'),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (msgId, body, skewS, target, index, bit) => {
          const sentAtMs = NOW_MS + skewS * 1000;
          const headers = signed({ id: msgId, body, timestampMs: sentAtMs });
          const options = { secrets: [SECRET], nowMs: NOW_MS };
          expect(() => verifyStandardWebhook(headers, body, options)).not.toThrow();

          if (target === 'body') {
            const bytes = Buffer.from(body, 'utf8');
            bytes[index % bytes.length] = bytes[index % bytes.length]! ^ (1 << bit);
            expect(() => verifyStandardWebhook(headers, bytes, options)).toThrow(WebhookVerificationError);
          } else {
            const tampered = { ...headers, [target]: flipBit(headers[target]!, index, bit) };
            expect(() => verifyStandardWebhook(tampered, body, options)).toThrow(WebhookVerificationError);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('refuses a non-canonical spelling of a valid signature (unused low bits of the last base64 digit)', () => {
    const headers = signed();
    const value = headers['webhook-signature']!;
    // 32 bytes leave 2 unused bits in the 43rd digit: flipping bit 1 of its value keeps the decoded bytes.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const last = value.length - 2;
    const twin = alphabet[alphabet.indexOf(value[last]!) ^ 0b10]!;
    const spelled = value.slice(0, last) + twin + value.slice(last + 1);
    expect(Buffer.from(spelled.slice(3), 'base64')).toEqual(Buffer.from(value.slice(3), 'base64'));
    const error = failure(() =>
      verifyStandardWebhook({ ...headers, 'webhook-signature': spelled }, BODY, {
        secrets: [SECRET],
        nowMs: NOW_MS,
      }),
    );
    expect(error.code).toBe('MM_ERR_WEBHOOK_HEADER_MALFORMED');
  });

  it('refuses a wrong secret with 401 naming webhook-signature', () => {
    const error = failure(() =>
      verifyStandardWebhook(signed(), BODY, { secrets: [OTHER_SECRET], nowMs: NOW_MS }),
    );
    expect(error.code).toBe('MM_ERR_WEBHOOK_SIGNATURE_INVALID');
    expect(error.header).toBe('webhook-signature');
    expect(error.httpStatus).toBe(401);
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])(
    'refuses a delivery without %s',
    (name) => {
      const headers = Object.fromEntries(Object.entries(signed()).filter(([key]) => key !== name));
      const error = failure(() => verifyStandardWebhook(headers, BODY, { secrets: [SECRET], nowMs: NOW_MS }));
      expect(error.code).toBe('MM_ERR_WEBHOOK_HEADER_MISSING');
      expect(error.header).toBe(name);
      expect(error.httpStatus).toBe(401);
    },
  );

  it('refuses a timestamp more than 5 minutes away, either way, and accepts one just inside', () => {
    const tooOld = signed({ timestampMs: NOW_MS - 5 * 60_000 - 1000 });
    const tooNew = signed({ timestampMs: NOW_MS + 5 * 60_000 + 1000 });
    const edge = signed({ timestampMs: NOW_MS - 5 * 60_000 });
    for (const headers of [tooOld, tooNew]) {
      const error = failure(() => verifyStandardWebhook(headers, BODY, { secrets: [SECRET], nowMs: NOW_MS }));
      expect(error.code).toBe('MM_ERR_WEBHOOK_TIMESTAMP_STALE');
      expect(error.header).toBe('webhook-timestamp');
    }
    expect(() => verifyStandardWebhook(edge, BODY, { secrets: [SECRET], nowMs: NOW_MS })).not.toThrow();
    expect(() =>
      verifyStandardWebhook(tooOld, BODY, { secrets: [SECRET], nowMs: NOW_MS, toleranceMs: 10 * 60_000 }),
    ).not.toThrow();
  });

  it('rotation: several secrets on either side, several signatures in the header', () => {
    const both = signed({ secrets: [SECRET, OTHER_SECRET] });
    expect(both['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(verifyStandardWebhook(both, BODY, { secrets: [OTHER_SECRET], nowMs: NOW_MS }).secretIndex).toBe(0);
    const newOnly = signed({ secrets: [OTHER_SECRET] });
    expect(
      verifyStandardWebhook(newOnly, BODY, { secrets: [SECRET, OTHER_SECRET], nowMs: NOW_MS }).secretIndex,
    ).toBe(1);
  });

  it('skips signatures of unknown versions and refuses a header with none of v1', () => {
    const headers = signed();
    const withFuture = { ...headers, 'webhook-signature': `v1a,abc ${headers['webhook-signature']}` };
    expect(() => verifyStandardWebhook(withFuture, BODY, { secrets: [SECRET], nowMs: NOW_MS })).not.toThrow();
    const onlyFuture = { ...headers, 'webhook-signature': 'v1a,abc' };
    const error = failure(() =>
      verifyStandardWebhook(onlyFuture, BODY, { secrets: [SECRET], nowMs: NOW_MS }),
    );
    expect(error.code).toBe('MM_ERR_WEBHOOK_SIGNATURE_INVALID');
    expect(error.reason).toBe('holds no v1 signature');
  });

  it('refuses malformed headers with 400', () => {
    const headers = signed();
    for (const bad of [
      { 'webhook-timestamp': '17e8' },
      { 'webhook-signature': 'garbage' },
      { 'webhook-signature': 'v1,not-base64!' },
    ]) {
      const error = failure(() =>
        verifyStandardWebhook({ ...headers, ...bad }, BODY, { secrets: [SECRET], nowMs: NOW_MS }),
      );
      expect(error.code).toBe('MM_ERR_WEBHOOK_HEADER_MALFORMED');
      expect(error.httpStatus).toBe(400);
    }
  });

  it('decodes and encodes whsec_ secrets and refuses others as configuration errors', () => {
    const key = randomBytes(32);
    expect(decodeStandardWebhookSecret(encodeStandardWebhookSecret(key))).toEqual(key);
    for (const bad of ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_', 'whsec_***', 'whsec_AAAA']) {
      expect(() => decodeStandardWebhookSecret(bad)).toThrow(
        expect.objectContaining({ code: ErrorCodes.CONFIG_INVALID }),
      );
    }
  });
});
