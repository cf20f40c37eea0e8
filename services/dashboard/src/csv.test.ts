import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';

describe('toCsv', () => {
  it('quotes commas, quotes and line breaks (RFC 4180) and leaves empty cells for missing values', () => {
    const csv = toCsv(
      [
        { a: 'x,y', b: 'say "hi"' },
        { a: 'line\nbreak', b: undefined },
      ],
      ['a', 'b'],
    );
    expect(csv).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",\r\n');
  });

  it.each([
    ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
    ['+1+cmd|/C calc!A0', `"'+1+cmd|/C calc!A0"`],
    ['-2+3', `"'-2+3"`],
    ['@SUM(A1:A9)', `"'@SUM(A1:A9)"`],
    ['\t=1+1', `"'\t=1+1"`],
    ['\r=1+1', `"'\r=1+1"`],
  ])('neutralises the formula %j: a leading quote, and quoted (OWASP)', (text, expected) => {
    expect(toCsv([{ ownerTeam: text }], ['ownerTeam'])).toBe(`ownerTeam\r\n${expected}\r\n`);
  });

  it('writes numbers as numbers, negative ones too, and leaves harmless text alone', () => {
    expect(toCsv([{ trend: -3.5, team: 'data-platform', note: 'a=b' }], ['trend', 'team', 'note'])).toBe(
      'trend,team,note\r\n-3.5,data-platform,a=b\r\n',
    );
  });
});
