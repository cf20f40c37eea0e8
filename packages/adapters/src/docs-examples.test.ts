import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseGenericMapping } from './generic/mapping.ts';
import { parseIdentityConfig } from './identity/config.ts';
import { createIdentityResolver } from './identity/resolver.ts';

/** The ```yaml blocks of a page of docs/adapters. */
function yamlBlocks(page: string): string[] {
  const text = readFileSync(new URL(`../../../docs/adapters/${page}`, import.meta.url), 'utf8');
  return [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('the examples in docs/adapters are valid', () => {
  it('identity.md', () => {
    const [example] = yamlBlocks('identity.md');
    const resolver = createIdentityResolver(parseIdentityConfig(example!, 'identity.md'));
    expect(resolver.resolveDomain('openmetadata', 'Sales & Marketing')).toMatchObject({
      domain: 'marketing',
    });
  });

  it('generic-webhook.md', () => {
    const [example] = yamlBlocks('generic-webhook.md');
    expect(parseGenericMapping(example!, 'generic-webhook.md').entries.map((e) => e.name)).toEqual([
      'contract-published',
      'contract-subscribers',
    ]);
  });
});
