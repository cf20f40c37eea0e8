import { describe, expect, it } from 'vitest';
import { MappingInvalidError } from '../errors.ts';
import { EMPTY_IDENTITY_CONFIG, parseIdentityConfig } from './config.ts';
import { createIdentityResolver } from './resolver.ts';

const FILE = [
  'products:', // 1
  '  - tool: github', // 2
  '    ref: acme/orders', // 3
  '    productId: payments.orders', // 4
  '    domain: payments', // 5
  '    ownerTeam: payments-data', // 6
  '    tier: critical', // 7
  'domains:', // 8
  '  - { tool: openmetadata, ref: "Sales & Marketing", domain: marketing }', // 9
  'conventions:', // 10
  '  domainTopicPrefix: domain-', // 11
].join('\n');

function loadError(text: string): MappingInvalidError {
  try {
    parseIdentityConfig(text, 'identity.yaml');
  } catch (error) {
    if (error instanceof MappingInvalidError) return error;
    throw error;
  }
  throw new Error('expected MappingInvalidError');
}

describe('identity resolution', () => {
  const resolver = createIdentityResolver(parseIdentityConfig(FILE, 'identity.yaml'));

  it('an explicit entry wins over every convention', () => {
    expect(
      resolver.resolveProduct({
        tool: 'github',
        ref: 'acme/orders',
        name: 'orders',
        topics: ['domain-other'],
      }),
    ).toEqual({
      status: 'mapped',
      productId: 'payments.orders',
      domain: 'payments',
      via: 'config',
      ownerTeam: 'payments-data',
      tier: 'critical',
    });
  });

  it('GitHub topics: the configured domain prefix, default product id <domain>.<repository>', () => {
    expect(
      resolver.resolveProduct({
        tool: 'github',
        ref: 'acme/x',
        name: 'x',
        topics: ['go', 'domain-hr', 'mm-tier-bogus'],
      }),
    ).toEqual({
      status: 'mapped',
      productId: 'hr.x',
      domain: 'hr',
      via: 'topic',
    });
  });

  it('annotations (Backstage, Data Mesh Manager custom fields) name domain, product id, team and tier', () => {
    const result = resolver.resolveProduct({
      tool: 'backstage',
      ref: 'component:default/x',
      name: 'x',
      annotations: {
        'mesh-momentum.io/domain': 'hr',
        'mesh-momentum.io/product-id': 'hr.people',
        'mesh-momentum.io/owner-team': 'people-analytics',
        'mesh-momentum.io/tier': 'experimental',
      },
    });
    expect(result).toEqual({
      status: 'mapped',
      productId: 'hr.people',
      domain: 'hr',
      via: 'annotation',
      ownerTeam: 'people-analytics',
      tier: 'experimental',
    });
  });

  it('a tool domain goes through the domains list, else as is when it is a valid identifier', () => {
    expect(resolver.resolveDomain('openmetadata', 'Sales & Marketing')).toEqual({
      status: 'mapped',
      domain: 'marketing',
      via: 'config',
    });
    expect(resolver.resolveDomain('openmetadata', 'Finance')).toEqual({
      status: 'mapped',
      domain: 'Finance',
      via: 'tool-domain',
    });
    expect(resolver.resolveDomain('openmetadata', 'Human Resources')).toMatchObject({
      status: 'unmapped',
      ref: 'Human Resources',
    });
    expect(
      resolver.resolveProduct({
        tool: 'openmetadata',
        ref: 'Churn',
        name: 'Churn',
        domainRef: 'Sales & Marketing',
      }),
    ).toMatchObject({ status: 'mapped', productId: 'marketing.Churn', via: 'tool-domain' });
  });

  it('returns an explicit unmapped result instead of guessing', () => {
    expect(resolver.resolveProduct({ tool: 'dmm', ref: 'orders', name: 'orders' })).toEqual({
      status: 'unmapped',
      tool: 'dmm',
      ref: 'orders',
      reason: 'not in the identity mapping and no convention names its domain',
    });
    expect(
      createIdentityResolver(EMPTY_IDENTITY_CONFIG).resolveProduct({
        tool: 'github',
        ref: 'a/b c',
        name: 'b c',
        topics: ['mm-domain-x'],
      }),
    ).toMatchObject({ status: 'unmapped', reason: expect.stringContaining('not valid identifiers') });
  });
});

describe('identity mapping file validation', () => {
  it('names entry and line of every problem', () => {
    const error = loadError(
      [
        'products:', // 1
        '  - tool: gitlab', // 2
        '    ref: acme/a', // 3
        '    productId: "payments orders"', // 4
        '    domain: payments', // 5
        '  - { tool: github, ref: acme/b, productId: p.b, domain: p, tier: gold }', // 6
        '  - { tool: github, ref: acme/b, productId: p.c, domain: p }', // 7
        'conventions:', // 8
        '  toolDomainAsIs: "yes"', // 9
        'extra: 1', // 10
      ].join('\n'),
    );
    expect(error.code).toBe('MM_ERR_MAPPING_INVALID');
    expect(error.issues.map((i) => `${i.entry}@${i.line}`)).toEqual([
      '(file)@10',
      'products[0] (acme/a)@2',
      'products[0] (acme/a)@4',
      'products[1] (acme/b)@6',
      'products[2] (acme/b)@7',
      'conventions@9',
    ]);
    expect(error.issues.map((i) => i.reason)).toEqual([
      'unknown key "extra" (allowed: products, domains, conventions)',
      'tool must be one of github, backstage, dmm, openmetadata, generic',
      'productId must not contain braces or whitespace',
      'tier must be one of experimental, standard, critical',
      'github acme/b is mapped twice',
      'toolDomainAsIs must be a boolean',
    ]);
  });

  it('an empty file means conventions only', () => {
    expect(parseIdentityConfig('', 'identity.yaml')).toEqual(EMPTY_IDENTITY_CONFIG);
  });
});
