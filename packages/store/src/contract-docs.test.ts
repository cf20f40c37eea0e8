import { readFileSync } from 'node:fs';
import type { Metric } from '@mesh-momentum/scoring';
import { describe, expect, it } from 'vitest';
import { AGGREGATE_FIELDS } from './aggregate-fields.ts';
import { keys, type DomainScope, type KeySpace, type RankedMetric } from './keys.ts';
import { PROGRESS_FIELDS } from './progress-fields.ts';
import { SCORE_FIELDS } from './score-fields.ts';

/**
 * docs/redis-contract.md against the builders, in both directions: every key, channel and hash field
 * the page names is one the code builds, and everything the code builds is on the page.
 */

const doc = readFileSync(new URL('../../../docs/redis-contract.md', import.meta.url), 'utf8');

// The page's placeholders, passed to the builders in place of real values.
const KS: KeySpace = { prefix: '<p>', namespace: '<ns>' };
const DOMAIN = '<domain>';
const METRIC = '<metric>' as RankedMetric & Metric;
const TOPIC = '<topic>';
/** Builders interpolate partitions; the placeholder stands where the number goes. */
const PARTITION = '<partition>' as unknown as number;
const SCOPES: readonly DomainScope[] = [{ kind: 'domain' }, { kind: 'product', productId: '<productId>' }];
/** `<scope>` on the page is either of these (see its "Placeholders" paragraph). */
const SCOPE_PLACEHOLDER_EXPANSIONS = ['domain', 'product:<productId>'];

/** Distinct numbers the seen key's builder turns into its `<days>d:<period>` part. */
const SAMPLE_DAYS = 4242;
const SAMPLE_PERIOD = 9191;
const seenKey = keys
  .domainSeenEvents(KS, DOMAIN, SAMPLE_DAYS * 86_400_000, SAMPLE_PERIOD)
  .replace(`:${SAMPLE_DAYS}d:${SAMPLE_PERIOD}`, ':<days>d:<period>');

type KeyType = 'string' | 'hash' | 'set' | 'sorted set' | 'pub/sub channel';

/**
 * Each builder of `keys` with what it builds from the page's placeholders and the Redis type the page
 * must give. A builder missing here fails the first test: a new key needs its line on the page.
 */
const BUILT: Readonly<Record<keyof typeof keys, { type: KeyType; keys: readonly string[] }>> = {
  namespacePointer: { type: 'string', keys: [keys.namespacePointer(KS.prefix)] },
  rebuildPointer: { type: 'string', keys: [keys.rebuildPointer(KS.prefix)] },
  namespaceChannel: { type: 'pub/sub channel', keys: [keys.namespaceChannel(KS.prefix)] },
  domainProgress: { type: 'hash', keys: [keys.domainProgress(KS, DOMAIN)] },
  domainSeenEvents: { type: 'hash', keys: [seenKey] },
  domainProducts: { type: 'set', keys: [keys.domainProducts(KS, DOMAIN)] },
  scopeAggregate: { type: 'hash', keys: SCOPES.map((s) => keys.scopeAggregate(KS, DOMAIN, s)) },
  scopeStanding: { type: 'hash', keys: SCOPES.map((s) => keys.scopeStanding(KS, DOMAIN, s)) },
  scopeScore: { type: 'hash', keys: SCOPES.map((s) => keys.scopeScore(KS, DOMAIN, s)) },
  scopeMovers: { type: 'sorted set', keys: SCOPES.map((s) => keys.scopeMovers(KS, DOMAIN, s, METRIC)) },
  stalledProducts: { type: 'set', keys: [keys.stalledProducts(KS, DOMAIN)] },
  productRanking: { type: 'sorted set', keys: [keys.productRanking(KS, DOMAIN, METRIC)] },
  domains: { type: 'set', keys: [keys.domains(KS)] },
  meshScore: { type: 'hash', keys: [keys.meshScore(KS)] },
  domainRanking: { type: 'sorted set', keys: [keys.domainRanking(KS, METRIC)] },
  stalled: { type: 'set', keys: [keys.stalled(KS)] },
  partitionProgress: { type: 'hash', keys: [keys.partitionProgress(KS)] },
  partitionEpoch: { type: 'string', keys: [keys.partitionEpoch(KS, TOPIC, PARTITION)] },
  changesChannel: { type: 'pub/sub channel', keys: [keys.changesChannel(KS)] },
};

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
  it('has a sample for every key builder (a new builder needs its line on the page)', () => {
    expect(Object.keys(BUILT).sort()).toEqual(Object.keys(keys).sort());
  });

  it('documents exactly the keys and channels the builders make, with their types', () => {
    const built = new Map(Object.values(BUILT).flatMap(({ type, keys: ks }) => ks.map((k) => [k, type])));
    const documented = documentedKeys();
    expect([...documented.keys()].sort()).toEqual([...built.keys()].sort());
    for (const [key, type] of built) expect(documented.get(key), key).toBe(type);
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
