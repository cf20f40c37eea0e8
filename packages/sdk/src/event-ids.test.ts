import { describe, expect, it } from 'vitest';
import { uuidv7 } from './event-ids.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidv7', () => {
  it('formats an RFC 9562 version-7 UUID whose first 48 bits are the time in ms', () => {
    const nowMs = Date.parse('2026-11-01T10:00:00.123Z');
    const id = uuidv7(nowMs);
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(nowMs);
  });

  it('sorts by millisecond and does not repeat across pool refills', () => {
    const ids = Array.from({ length: 5_000 }, (_, i) => uuidv7(1_700_000_000_000 + Math.floor(i / 10)));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(UUID_V7);
    const firstOfEachMs = ids.filter((_, i) => i % 10 === 0);
    expect([...firstOfEachMs].sort()).toEqual(firstOfEachMs);
  });
});
