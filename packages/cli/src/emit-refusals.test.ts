import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from './exit-codes.ts';
import type { CliIo } from './io.ts';
import { run } from './program.ts';

/**
 * Bad input refused by the CLI before anything is sent, single events and bulk lines alike, with the
 * field named. Every event here is refused by validation, which runs before the registry or Kafka is
 * asked anything, so no service is needed.
 */

function io(cwd = process.cwd(), env: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const cli: CliIo = { env, stdout, stderr, stdin: new PassThrough(), cwd };
  return { cli, out: () => out.join(''), err: () => err.join('') };
}

const CHAMPION = ['emit', 'ChampionGained', '--personId', 'p-1', '--role', 'champion', '--dry-run'];

describe('mesh-momentum emit refuses', () => {
  // The inputs of issue 8 that, once on the topic, stopped the processor for good.
  it.each(['1970-01-01T00:00:00Z', '0', '-1000', '1984-01-01T00:00:00Z'])(
    '--time %s, naming time and the accepted range (exit 1)',
    async (time) => {
      const t = io();
      expect(await run([...CHAMPION, '--domain', 'payments', '--time', time], t.cli)).toBe(
        EXIT_CODES.REFUSED,
      );
      expect(t.err()).toMatch(/^refused: time: must not be before 2000-01-01T00:00:00Z/m);
    },
  );

  it('a 10,000-character domain, naming the field and the limit', async () => {
    const t = io();
    expect(await run([...CHAMPION, '--domain', 'd'.repeat(10_000)], t.cli)).toBe(EXIT_CODES.REFUSED);
    expect(t.err()).toMatch(/^refused: domain: must be at most 256 bytes of UTF-8 \(got 10000\)/m);
  });

  it('an argument Node decoded from bytes that were not UTF-8 (U+FFFD), never sending the replacement', async () => {
    // What process.argv holds for the bytes "pay\xff": the bad byte already replaced.
    const decoded = new TextDecoder().decode(Buffer.from([0x70, 0x61, 0x79, 0xff]));
    const t = io();
    expect(await run([...CHAMPION, '--domain', decoded], t.cli)).toBe(EXIT_CODES.REFUSED);
    expect(t.err()).toMatch(
      /^refused: domain: contains U\+FFFD, the mark of bytes that were not valid UTF-8/m,
    );
  });

  it('bad lines of a bulk file by line number: invalid UTF-8, an old time, an oversized id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-cli-'));
    const event = (patch: Record<string, unknown>) =>
      JSON.stringify({
        type: 'ChampionGained',
        domain: 'payments',
        personId: 'p-1',
        role: 'champion',
        ...patch,
      });
    writeFileSync(
      join(dir, 'bad.ndjson'),
      Buffer.concat([
        Buffer.from(`${event({ time: '1970-01-01T00:00:00Z' })}\n`),
        // The domain "pay\xff": a Latin-1 file, say.
        Buffer.from('{"type":"ChampionGained","domain":"pay'),
        Buffer.from([0xff]),
        Buffer.from('","personId":"p-1","role":"champion"}\n'),
        Buffer.from(`${event({ productId: 'x' })}\n`),
        Buffer.from(`${event({ personId: 'p'.repeat(300) })}\n`),
        // A JSON escape of a lone surrogate: valid JSON, not valid Unicode text.
        Buffer.from(
          String.raw`{"type":"ChampionGained","domain":"ok\ud800","personId":"p-1","role":"champion"}` + '\n',
        ),
      ]),
    );
    const t = io(dir);
    expect(await run(['emit', '--file', 'bad.ndjson', '--dry-run'], t.cli)).toBe(EXIT_CODES.REFUSED);
    const lines = t.err().trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^line 1: time: must not be before 2000-01-01T00:00:00Z/),
      expect.stringMatching(/^line 2: not valid UTF-8/),
      'line 3: productId: is not a field of ChampionGained',
      expect.stringMatching(
        /^line 4: subject: must be at most 256 bytes.*; personId: must be at most 256 bytes/,
      ),
      expect.stringMatching(/^line 5: domain: must be well-formed Unicode/),
    ]);
    expect(t.out()).toContain('valid 0, refused 5');
  });
});
