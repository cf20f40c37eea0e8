import { describe, expect, it } from 'vitest';
import { deterministicEventId, toolSource } from './ids.ts';

describe('deterministic event ids', () => {
  it('are UUIDv5, equal for the same delivery and different when any part differs', () => {
    const id = deterministicEventId('https://github.com/acme', 'd-1', 'DataProductPublished');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicEventId('https://github.com/acme', 'd-1', 'DataProductPublished')).toBe(id);
    expect(
      new Set([
        id,
        deterministicEventId('https://github.com/other', 'd-1', 'DataProductPublished'),
        deterministicEventId('https://github.com/acme', 'd-2', 'DataProductPublished'),
        deterministicEventId('https://github.com/acme', 'd-1', 'DataProductRetired'),
      ]).size,
    ).toBe(4);
  });

  it('keep the value they had when the namespace was fixed (changing it would double-count redeliveries)', () => {
    expect(deterministicEventId('https://github.com/acme', 'd-1', 'DataProductPublished')).toBe(
      'd393b54c-d090-510e-9f79-0d3cf49eb8e4',
    );
  });

  it('toolSource normalises an instance URL', () => {
    expect(toolSource('https://backstage.acme.example/')).toBe('https://backstage.acme.example');
    expect(toolSource('https://github.com/acme?x=1#y')).toBe('https://github.com/acme');
  });
});
