import { describe, expect, it } from 'vitest';
import { hasUrlCredentials, redactUrlCredentials } from './redact.ts';

describe('redactUrlCredentials', () => {
  it.each([
    ['redis://default:hunter2@redis:6379/0', 'redis://[redacted]@redis:6379/0'],
    ['rediss://:hunter2@redis', 'rediss://[redacted]@redis'],
    ['https://tok3n@registry/api', 'https://[redacted]@registry/api'],
    // An unescaped @ in the password: the user-info runs to the last @ of the authority.
    ['redis://u:p@ss@host:1', 'redis://[redacted]@host:1'],
    ['two: http://a:b@x/ and redis://c:d@y', 'two: http://[redacted]@x/ and redis://[redacted]@y'],
  ])('%s → %s', (text, expected) => {
    expect(redactUrlCredentials(text)).toBe(expected);
    expect(hasUrlCredentials(text)).toBe(true);
  });

  it('leaves URLs without user-info, e-mail addresses and paths with @ alone', () => {
    for (const text of ['http://registry:8081/api', 'mail me@example.com', 'http://host/users/@me']) {
      expect(redactUrlCredentials(text)).toBe(text);
      expect(hasUrlCredentials(text)).toBe(false);
    }
  });
});
