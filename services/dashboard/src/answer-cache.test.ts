import { describe, expect, it } from 'vitest';
import { AnswerCache, answerKey } from './answer-cache.ts';

const body = (bytes: number) => Buffer.alloc(bytes, 'x');

describe('answer cache', () => {
  it('keys a query by its fields in name order, leaving out unset ones', () => {
    expect(answerKey('scopes', { a: 1, b: 2 })).toBe(answerKey('scopes', { b: 2, a: 1 }));
    expect(answerKey('scopes', { a: 1, b: undefined })).toBe(answerKey('scopes', { a: 1 }));
    expect(answerKey('scopes', { a: 1 })).not.toBe(answerKey('scopes', { a: 2 }));
    expect(answerKey('scopes', { a: 1 })).not.toBe(answerKey('stalled', { a: 1 }));
    // A value cannot pose as another field: JSON keeps the pairs apart.
    expect(answerKey('r', { a: '1,b:2' })).not.toBe(answerKey('r', { a: '1', b: '2' }));
  });

  it('computes an answer once per generation, and again in the next one', () => {
    const cache = new AnswerCache({ maxEntries: 10, maxBytes: 1_000_000 });
    let computed = 0;
    const compute = () => {
      computed += 1;
      return body(10);
    };
    cache.get(1, 'overview', {}, compute);
    cache.get(1, 'overview', {}, compute);
    expect(computed).toBe(1);
    cache.get(2, 'overview', {}, compute);
    expect(computed).toBe(2);
    expect(cache.entries).toBe(1);
  });

  it('keeps at most maxEntries answers, dropping the least recently used', () => {
    const cache = new AnswerCache({ maxEntries: 3, maxBytes: 1_000_000 });
    for (let offset = 0; offset < 1000; offset++) cache.get(1, 'scopes', { offset }, () => body(100));
    expect(cache.entries).toBe(3);
    let computed = false;
    cache.get(1, 'scopes', { offset: 999 }, () => {
      computed = true;
      return body(100);
    });
    expect(computed, 'the most recent answer is still kept').toBe(false);
    cache.get(1, 'scopes', { offset: 0 }, () => {
      computed = true;
      return body(100);
    });
    expect(computed, 'the oldest one was dropped').toBe(true);
  });

  it('keeps at most maxBytes of answers, and answers without keeping one larger than that', () => {
    const cache = new AnswerCache({ maxEntries: 1000, maxBytes: 10_000 });
    for (let offset = 0; offset < 100; offset++) cache.get(1, 'scopes', { offset }, () => body(3_000));
    expect(cache.entries).toBe(3);
    expect(cache.bytes).toBe(9_000);
    const huge = cache.get(1, 'scopes', { limit: 1000 }, () => body(20_000));
    expect(huge.length).toBe(20_000);
    expect(cache.bytes).toBeLessThanOrEqual(10_000);
  });
});
