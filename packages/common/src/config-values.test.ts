import { describe, expect, it } from 'vitest';
import { decimal, integer } from './config-values.ts';

describe('config value types', () => {
  it('decimal reads plain decimals in range and refuses anything else with a reason', () => {
    const mb = decimal(0.01, 100);
    expect(mb.parse('0.25')).toBe(0.25);
    expect(mb.parse(' 64 ')).toBe(64);
    for (const [text, reason] of [
      ['', 'must not be empty'],
      ['1e3', 'must be a decimal number'],
      ['-1', 'must be a decimal number'],
      ['0x10', 'must be a decimal number'],
      ['0.001', 'must be >= 0.01'],
      ['101', 'must be <= 100'],
    ] as const) {
      expect(mb.safeParse(text).error?.issues[0]?.message, text).toContain(reason);
    }
  });

  it('integer refuses an empty value instead of reading it as 0', () => {
    expect(integer(0, 10).safeParse('').error?.issues[0]?.message).toBe('must not be empty');
  });
});
