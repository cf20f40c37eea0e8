import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLines, type Line } from './lines.ts';

async function linesOf(chunks: readonly Buffer[], maxLineBytes = 1_000): Promise<Line[]> {
  const out: Line[] = [];
  for await (const line of readLines(Readable.from(chunks), maxLineBytes)) out.push(line);
  return out;
}

const kinds = (lines: readonly Line[]) => lines.map((l) => (l.kind === 'text' ? l.text : l.kind));

describe('readLines', () => {
  it('splits LF and CRLF lines across chunk boundaries, keeping a last line without newline', async () => {
    const lines = await linesOf([Buffer.from('{"a":1}\r\n{"b"'), Buffer.from(':2}\n\nlast')]);
    expect(kinds(lines)).toEqual(['{"a":1}', '{"b":2}', '', 'last']);
  });

  it('decodes multi-byte characters split between chunks', async () => {
    const euro = Buffer.from('prix €\n', 'utf8');
    expect(kinds(await linesOf([euro.subarray(0, 7), euro.subarray(7)]))).toEqual(['prix €']);
  });

  it('reports a line that is not valid UTF-8 instead of replacing the bytes with U+FFFD', async () => {
    const bad = Buffer.concat([
      Buffer.from('{"domain":"pay'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}\n'),
    ]);
    // An overlong encoding and a lone surrogate encoded in UTF-8 (CESU) are not UTF-8 either.
    const overlong = Buffer.from([0xc0, 0xaf, 0x0a]);
    const surrogate = Buffer.from([0xed, 0xa0, 0x80, 0x0a]);
    const lines = await linesOf([Buffer.from('ok\n'), bad, overlong, surrogate, Buffer.from('ok again\n')]);
    expect(kinds(lines)).toEqual(['ok', 'invalid-utf8', 'invalid-utf8', 'invalid-utf8', 'ok again']);
  });

  it('skips a line over the limit without holding it in memory, and goes on with the next', async () => {
    const long = Buffer.alloc(5_000, 0x78);
    const lines = await linesOf([Buffer.from('first\n'), long, long, Buffer.from('\nnext\n')], 1_000);
    expect(kinds(lines)).toEqual(['first', 'too-long', 'next']);
  });
});
