import { describe, expect, it } from 'vitest';
import { parseChangeMessage } from './notifications.ts';

describe('parseChangeMessage', () => {
  it('reads a scores message with its scopes, or all of them', () => {
    const listed =
      '{"t":"scores","d":"sales","seq":4,"asOfMs":1764547200000,"p":"ev:2","n":3,"s":["domain","product:leads"]}';
    expect(parseChangeMessage(listed)).toEqual({
      t: 'scores',
      d: 'sales',
      seq: 4,
      asOfMs: 1764547200000,
      p: 'ev:2',
      n: 3,
      s: ['domain', 'product:leads'],
    });
    // Lua's cjson writes an empty list as {}: read as "all".
    const empty = '{"t":"scores","d":"sales","seq":5,"asOfMs":1,"p":"ev:2","n":0,"s":{}}';
    expect(parseChangeMessage(empty)).toMatchObject({ all: true });
    expect(parseChangeMessage('{"t":"scores","d":"x","seq":1,"asOfMs":1,"all":true}')).toMatchObject({
      all: true,
    });
  });

  it('reads stall transitions and keeps only known reasons', () => {
    const became =
      '{"t":"stall","d":"sales","seq":9,"scope":"domain","stalled":true,"reason":"inactivity","atMs":10,"sinceMs":10}';
    expect(parseChangeMessage(became)).toEqual({
      t: 'stall',
      d: 'sales',
      seq: 9,
      scope: 'domain',
      stalled: true,
      reason: 'inactivity',
      atMs: 10,
      sinceMs: 10,
    });
    const odd =
      '{"t":"stall","d":"mesh","scope":"mesh","stalled":false,"reason":"bogus","atMs":10,"sinceMs":3}';
    expect(parseChangeMessage(odd)).toMatchObject({ reason: '', stalled: false });
    expect(parseChangeMessage(odd)).not.toHaveProperty('seq');
  });

  it('reads the mesh message and refuses anything else', () => {
    expect(parseChangeMessage('{"t":"mesh","asOfMs":7}')).toEqual({ t: 'mesh', asOfMs: 7 });
    expect(parseChangeMessage('{"p":"ev:1","n":2}')).toBeUndefined();
    expect(parseChangeMessage('not json')).toBeUndefined();
    expect(parseChangeMessage('null')).toBeUndefined();
    expect(parseChangeMessage('{"t":"scores","d":"x"}')).toBeUndefined();
  });
});
