import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES } from '@mesh-momentum/common';
import { validateEvent, withDefaults } from '@mesh-momentum/events';
import { parseGatewayFile } from '@mesh-momentum/ingest';
import { parse as parseYaml } from 'yaml';
import { fencedBlocks, markdownFiles, readDoc, shellCommands } from './docs-markdown.ts';

/**
 * What a newcomer following the docs to the letter ran into (issue 20, "Following the docs exactly"),
 * one check each where the docs alone decide it. Commands and flags are checked for every doc by
 * docs-commands.test.ts; what the read-only commands print, the demo's data, the README's snippet and a
 * clean Ctrl-C of `pnpm <service>` by test/integration/docs-commands.test.ts.
 */

const allCommands = markdownFiles().flatMap((file) => shellCommands(file, readDoc(file)).map((c) => c.text));

describe('following the docs exactly', () => {
  it('(2) the redis-cli examples name the project Redis and read the namespace from the pointer key', () => {
    const redis = allCommands.filter((c) => /(^|\$\()redis-cli /.test(c));
    expect(redis.length).toBeGreaterThan(3);
    for (const c of redis) expect(c).toMatch(/redis-cli (-p 16379|-u )/);
    const dashboard = readDoc('docs/dashboard.md');
    expect(dashboard).toContain('NS=$(redis-cli -p 16379 GET "$P:namespace")');
    expect(redis.filter((c) => /:v\d+:/.test(c))).toEqual([]);
  });

  it("(3) the docs name the demo's key prefix, the one scripts/demo.ts writes under", () => {
    const prefix = /MM_REDIS_KEY_PREFIX: '([^']+)'/.exec(readDoc('scripts/demo.ts'))?.[1];
    expect(prefix).toBe('mm-demo');
    expect(readDoc('README.md')).toContain(`\`${prefix}\``);
    expect(readDoc('docs/getting-started.md')).toContain(`MM_REDIS_KEY_PREFIX=${prefix}`);
    expect(readDoc('docs/dashboard.md')).toContain(`P=${prefix}`);
  });

  it('(4) docs/adapters/github.md says how the gateway gets the secret, with a config file it accepts', () => {
    const page = readDoc('docs/adapters/github.md');
    const block = fencedBlocks(page).find((b) => b.marker === 'gateway-file');
    expect(block?.lang).toBe('yaml');
    const file = parseGatewayFile(block?.body ?? '', 'gateway.yaml');
    expect(file.github?.secrets).toEqual(['<the secret>']);
    expect((parseYaml(block?.body ?? '') as { webhooks: object }).webhooks).toHaveProperty('github');
    expect(page).toContain('MM_INGEST_CONFIG_FILE=gateway.yaml');
    expect(page).toContain('MM_INGEST_HTTP_HOST');
    expect(page).toContain('](../../services/ingest/README.md');
  });

  it('(5) examples/events.ndjson is documented and every line is a valid event', () => {
    expect(allCommands).toContain('pnpm cli emit --file examples/events.ndjson');
    const lines = readDoc('examples/events.ndjson').trim().split('\n');
    expect(lines.length).toBeGreaterThan(2);
    const nowMs = Date.now();
    for (const line of lines) {
      // What the CLI does with a line: the envelope defaults, its source, then validation.
      const event = withDefaults(
        { source: 'urn:meshmomentum:cli', ...(JSON.parse(line) as object) },
        { nowMs },
      );
      expect(() => validateEvent(event, { nowMs, maxFutureSkewMs: 0 }), line).not.toThrow();
    }
  });

  it('(6) the SDK snippet says how to run it inside the repository', () => {
    expect(allCommands).toContain('node --conditions=@mesh-momentum/source examples/first-event.ts');
  });

  it('(7) the docs show how to remove a pause, with --scope as add takes it', () => {
    expect(allCommands.some((c) => c.startsWith('pnpm alerter:pause remove --scope '))).toBe(true);
    expect(allCommands.some((c) => c.startsWith('pnpm alerter:pause add --scope '))).toBe(true);
  });

  it('(8) infra:up lists as defaults only what the defaults are', () => {
    const script = readDoc('infra/local/local-infra.sh');
    const block = /\(these are also the defaults\):\n((?: {2}export .*\n)+)/.exec(script)?.[1] ?? '';
    const ports: Record<string, string> = {
      KAFKA_PORT: '19092',
      REGISTRY_PORT: '18081',
      REDIS_PORT: '16379',
      ALERTMANAGER_PORT: '19094',
    };
    const listed = [...block.matchAll(/export (MM_\w+)=(\S+)/g)].map((m) => [
      m[1] as string,
      (m[2] as string).replace(/\$(\w+)/, (_, v: string) => ports[v] ?? v),
    ]);
    expect(listed.map(([name]) => name)).toEqual([
      'MM_KAFKA_BROKERS',
      'MM_SCHEMA_REGISTRY_URL',
      'MM_REDIS_URL',
    ]);
    const defaults = ENV_VARIABLES as unknown as Record<string, { default: unknown }>;
    for (const [name, value] of listed) expect(String(defaults[name as string]?.default), name).toBe(value);
  });

  it('(8) pnpm bench runs every benchmark, and every bench:* script runs a file that exists', () => {
    const scripts = (JSON.parse(readDoc('package.json')) as { scripts: Record<string, string> }).scripts;
    const benches = readdirSync('bench').filter((f) => f.endsWith('.bench.ts'));
    for (const file of benches) {
      const name = `bench:${file.replace('.bench.ts', '')}`;
      expect(scripts[name], name).toContain(`bench/${file}`);
      expect(scripts['bench'], 'pnpm bench').toContain(`pnpm ${name}`);
    }
    const benchScripts = Object.keys(scripts).filter((s) => s.startsWith('bench:'));
    expect(benchScripts.length).toBe(benches.length);
  });

  it('(8) the Docker path says it needs Compose v2, and nothing links the product brief outside the repository', () => {
    expect(readDoc('docs/getting-started.md')).toContain('Compose v2');
    for (const file of markdownFiles()) expect(readDoc(file), file).not.toContain('shared/SPEC.md');
  });

  it('(9) pnpm runs scripts in its shell emulator, so a clean Ctrl-C stop is no ELIFECYCLE failure', () => {
    expect((parseYaml(readDoc('pnpm-workspace.yaml')) as { shellEmulator?: boolean }).shellEmulator).toBe(
      true,
    );
  });
});
