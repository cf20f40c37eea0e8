import { describe, expect, it } from 'vitest';
import { generateToken } from '@mesh-momentum/service-kit';
import { parseGatewayFile } from './gateway-file.ts';

const MAPPING = `mappings:
  - name: champion
    type: ChampionGained
    fields:
      domain: domain
      personId: person
      role: '"champion"'
`;
const read = (path: string) => {
  if (path.endsWith('champions.yaml')) return MAPPING;
  throw new Error(`ENOENT ${path}`);
};

describe('the gateway config file', () => {
  it('reads tokens, webhooks and pollers, with mapping files relative to the file', () => {
    const { hash } = generateToken('ci');
    const file = parseGatewayFile(
      `tokens:
  - { id: ci, hash: "${hash}", eventTypes: [ChampionGained], domains: [payments] }
  - { id: jira, hash: "${hash}", eventTypes: ["*"], domains: ["*"], sources: ["https://jira.example", "https://jira2.example"] }
webhooks:
  github: { source: "https://github.com/acme/", secrets: [s1, s2] }
  generic:
    - { name: champions, source: "https://people.example", mappingFile: champions.yaml, secrets: [whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw] }
pollers:
  dmm: { source: "https://app.entropy-data.com", url: "http://127.0.0.1:1", intervalMs: 500 }
  backstage: { source: "https://backstage.example", url: "http://127.0.0.1:2/api/catalog" }
`,
      '/etc/mm/ingest.yaml',
      read,
    );
    expect(
      file.tokens.map((t) => [
        t.id,
        [...t.eventTypes],
        [...t.domains],
        t.admin,
        [...t.sources],
        t.defaultSource,
      ]),
    ).toEqual([
      [
        'ci',
        ['ChampionGained'],
        ['payments'],
        false,
        ['urn:meshmomentum:token:ci'],
        'urn:meshmomentum:token:ci',
      ],
      [
        'jira',
        ['*'],
        ['*'],
        false,
        ['https://jira.example', 'https://jira2.example'],
        'https://jira.example',
      ],
    ]);
    expect(file.github).toEqual({ source: 'https://github.com/acme', secrets: ['s1', 's2'] });
    expect(file.generic.get('champions')?.mapping.entries).toHaveLength(1);
    expect(file.pollers.dmm?.intervalMs).toBe(500);
    expect(file.pollers.backstage?.maxRetireShare).toBe(0.5);
  });

  it('reports every problem at once, naming the path, and never echoes a secret', () => {
    let caught: unknown;
    try {
      parseGatewayFile(
        `tokens:
  - { id: "bad id", hash: "plain-text-secret", eventTypes: [Nope], domains: [], sources: ["*", "https://x.example"] }
  - { id: spaced, hash: "plain-text-secret", eventTypes: ["*"], domains: ["*"], sources: ["a b"] }
webhooks:
  github: { source: "not a url", secrets: [] }
pollers:
  backstage: { source: "https://b.example", url: "https://b.example/api/catalog", maxRetireShare: 0 }
`,
        'ingest.yaml',
        read,
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'MM_ERR_CONFIG_INVALID' });
    const fields = (caught as { issues: { field: string }[] }).issues.map((i) => i.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'ingest.yaml: tokens.0.id',
        'ingest.yaml: tokens.0.hash',
        'ingest.yaml: tokens.0.eventTypes.0',
        'ingest.yaml: tokens.0.domains',
        'ingest.yaml: tokens.0.sources',
        'ingest.yaml: tokens.1.sources.0',
        'ingest.yaml: webhooks.github.source',
        'ingest.yaml: webhooks.github.secrets',
        'ingest.yaml: pollers.backstage.maxRetireShare',
      ]),
    );
    expect((caught as Error).message).not.toContain('plain-text-secret');
  });

  it('refuses unknown keys, a duplicate token id, a bad whsec secret and a broken mapping file', () => {
    const { hash } = generateToken('a');
    expect(() => parseGatewayFile('tokenz: []', 'f.yaml', read)).toThrow(/f\.yaml: \(root\)|tokenz/);
    expect(() =>
      parseGatewayFile(
        `tokens:\n  - { id: a, hash: "${hash}", eventTypes: ["*"], domains: ["*"] }\n  - { id: a, hash: "${hash}", eventTypes: ["*"], domains: ["*"] }\n`,
        'f.yaml',
        read,
      ),
    ).toThrow(/token id a appears twice/);
    expect(() =>
      parseGatewayFile(
        'webhooks:\n  generic:\n    - { name: x, source: "https://x.example", mappingFile: champions.yaml, secrets: [nope] }\n',
        'f.yaml',
        read,
      ),
    ).toThrow(/whsec_/);
    expect(() =>
      parseGatewayFile(
        'webhooks:\n  generic:\n    - { name: x, source: "https://x.example", mappingFile: missing.yaml, secrets: [whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw] }\n',
        'f.yaml',
        read,
      ),
    ).toThrow(/mappingFile.*ENOENT/);
  });

  it('reports a YAML syntax error by file, line and column, never quoting the secret-bearing line', () => {
    const broken = 'webhooks:\n  github: { source: "https://github.com/acme", secrets: [gh-secret-value-1\n';
    const alias = 'webhooks:\n  github: *secret-alias-name\n';
    const errorOf = (text: string) => {
      try {
        parseGatewayFile(text, 'ingest.yaml', read);
      } catch (error) {
        return error as Error & { code: string; issues: { field: string; reason: string }[] };
      }
      throw new Error('parsed');
    };
    const syntax = errorOf(broken);
    expect(syntax.code).toBe('MM_ERR_CONFIG_INVALID');
    expect(syntax.message).not.toContain('gh-secret-value-1');
    expect(syntax.issues).toEqual([
      { field: 'ingest.yaml:3:1', reason: expect.stringMatching(/line 3, column 1/) as unknown },
    ]);
    expect(errorOf(alias).message).not.toContain('secret-alias-name');
  });
});
