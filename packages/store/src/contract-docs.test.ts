import { readFileSync } from 'node:fs';
import type { Metric } from '@mesh-momentum/scoring';
import { describe, expect, it } from 'vitest';
import { AGGREGATE_FIELDS } from './aggregate-fields.ts';
import { builtKeys, keyModules, keysBuiltElsewhere } from './key-builders.test-support.ts';
import type { RankedMetric } from './keys.ts';
import { PROGRESS_FIELDS } from './progress-fields.ts';
import { SCORE_FIELDS } from './score-fields.ts';

/**
 * docs/redis-contract.md against the code, in both directions: every key, channel and hash field the
 * page names is one the code builds, and every key any builder of the repository builds (found by
 * key-builders.test-support.ts: every `keys.ts` module, shared contract and service-private alike) is
 * on the page with its type.
 */

const doc = readFileSync(new URL('../../../docs/redis-contract.md', import.meta.url), 'utf8');

// The page's placeholders for hash fields.
const METRIC = '<metric>' as RankedMetric & Metric;
const TOPIC = '<topic>';
/** Builders interpolate partitions; the placeholder stands where the number goes. */
const PARTITION = '<partition>' as unknown as number;
/** `<scope>` on the page is either of these (see its "Placeholders" paragraph). */
const SCOPE_PLACEHOLDER_EXPANSIONS = ['domain', 'product:<productId>'];

/** Table rows of the page whose first cell names keys: key → the row's type. */
function documentedKeys(): Map<string, string> {
  const documented = new Map<string, string>();
  for (const line of doc.split('\n')) {
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    const named = [...(cells[1] ?? '').matchAll(/`(<p>:[^`]+)`/g)].map((m) => m[1] as string);
    for (const key of named) {
      const expanded = key.includes('<scope>')
        ? SCOPE_PLACEHOLDER_EXPANSIONS.map((s) => key.replace('<scope>', s))
        : [key];
      for (const k of expanded) documented.set(k, cells[2] ?? '');
    }
  }
  return documented;
}

/** The rows' first cells between `<!-- name:start -->` and `<!-- name:end -->`. */
function fieldTable(name: string): string[] {
  const section = new RegExp(`<!-- ${name}:start -->([\\s\\S]*?)<!-- ${name}:end -->`).exec(doc)?.[1] ?? '';
  return [...section.matchAll(/^\|\s*`([^`]+)`\s*\|/gm)].map((m) => m[1] as string);
}

describe('docs/redis-contract.md', () => {
  it('finds the key modules: the score and alert-state contracts, and the services’ own keys', () => {
    const modules = keyModules().map((u) => u.pathname.replace(/^.*\/(packages|services)\//, '$1/'));
    expect(modules).toEqual(
      expect.arrayContaining([
        'packages/alerting/src/contract/keys.ts',
        'packages/store/src/keys.ts',
        'services/dashboard/src/keys.ts',
        'services/ingest/src/keys.ts',
      ]),
    );
  });

  it('finds no key built outside a keys.ts module', () => {
    expect(keysBuiltElsewhere()).toEqual([]);
  });

  it('documents exactly the keys and channels the builders make, with their types', async () => {
    const built = await builtKeys();
    const documented = documentedKeys();
    expect([...documented.keys()].sort()).toEqual([...new Set(built.map((b) => b.key))].sort());
    for (const { key, type, builder } of built) expect(documented.get(key), `${key} (${builder})`).toBe(type);
  });

  it('names no key outside its tables (code blocks and prose use documented keys only)', () => {
    const documented = documentedKeys();
    const named = [...doc.matchAll(/<p>:[^\s`|…]+/g)].map((m) => m[0].replace(/[.,;)]+$/, ''));
    const unknown = named
      .flatMap((k) =>
        k.includes('<scope>') ? SCOPE_PLACEHOLDER_EXPANSIONS.map((s) => k.replace('<scope>', s)) : [k],
      )
      .filter((k) => !documented.has(k) && !/:$/.test(k));
    expect(unknown).toEqual([]);
  });

  it('documents exactly the fields the processor writes into a score hash', () => {
    expect(fieldTable('score-fields')).toEqual([...SCORE_FIELDS]);
  });

  it('documents exactly the fields of the progress hashes', () => {
    expect(fieldTable('progress-fields')).toEqual([
      PROGRESS_FIELDS.partition(TOPIC, PARTITION),
      PROGRESS_FIELDS.fence(TOPIC, PARTITION),
      PROGRESS_FIELDS.version,
      PROGRESS_FIELDS.seq,
    ]);
  });

  it('documents exactly the fields of an aggregate hash', () => {
    const args: Partial<Record<keyof typeof AGGREGATE_FIELDS, readonly string[]>> = {
      anchored: [METRIC],
      anchoredDay: [METRIC, '<day>'],
      countDay: ['<day>', '<type>'],
    };
    const built = Object.entries(AGGREGATE_FIELDS).map(([name, field]) => {
      if (typeof field === 'string') return field;
      const sample = args[name as keyof typeof AGGREGATE_FIELDS];
      if (!sample) throw new Error(`no sample arguments for AGGREGATE_FIELDS.${name}`);
      return (field as (...a: readonly string[]) => string)(...sample);
    });
    expect(fieldTable('aggregate-fields').sort()).toEqual(built.sort());
  });
});
