import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WebhookErrorCodes, WebhookVerificationError, webhookHttpStatus } from './errors.ts';

const docs = readFileSync(new URL('../../../docs/adapters/errors.md', import.meta.url), 'utf8');

/** code → [retriable, HTTP status] as the table in docs/adapters/errors.md states them. */
function documented(): Map<string, [boolean, number]> {
  const rows = new Map<string, [boolean, number]>();
  for (const m of docs.matchAll(/^\|\s*`(MM_ERR_[A-Z_]+)`\s*\|\s*(yes|no)\s*\|\s*(\d{3})\s*\|/gm)) {
    rows.set(m[1]!, [m[2] === 'yes', Number(m[3])]);
  }
  return rows;
}

describe('webhook error codes', () => {
  it('documents every code with its retriable flag and HTTP status, and no other MM_ERR_WEBHOOK_ code', () => {
    const rows = documented();
    const webhookRows = [...rows.keys()].filter((code) => code.startsWith('MM_ERR_WEBHOOK_'));
    expect(webhookRows.sort()).toEqual(Object.values(WebhookErrorCodes).sort());
    for (const code of Object.values(WebhookErrorCodes)) {
      const error = new WebhookVerificationError(code, 'webhook-id', 'x');
      expect([error.retriable, error.httpStatus], code).toEqual(rows.get(code));
      expect(webhookHttpStatus(code)).toBe(error.httpStatus);
    }
  });
});
