import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MappingInvalidError } from '../errors.ts';
import { fixture, validated } from '../fixtures.test-support.ts';
import { applyGenericMapping, bodyDeliveryId } from './apply.ts';
import { parseGenericMapping } from './mapping.ts';

const mappingText = readFileSync(new URL('./fixtures/contracts-mapping.yaml', import.meta.url), 'utf8');
const mapping = parseGenericMapping(mappingText, 'contracts-mapping.yaml');
const context = { source: 'https://contracts.acme.example', receivedAtMs: Date.UTC(2026, 10, 30, 12) };
const load = (name: string): unknown => fixture(new URL(`./fixtures/${name}.json`, import.meta.url));

function loadError(text: string): MappingInvalidError {
  try {
    parseGenericMapping(text, 'bad.yaml');
  } catch (error) {
    if (error instanceof MappingInvalidError) return error;
    throw error;
  }
  throw new Error('expected MappingInvalidError');
}

describe('generic JSON webhook mapping', () => {
  it('one payload → several events from several entries, all valid', async () => {
    const outcome = await applyGenericMapping(
      mapping,
      { deliveryId: 'msg_1', payload: load('contract-published') },
      context,
    );
    const events = validated(outcome);
    expect(events.map((e) => e.type)).toEqual([
      'DataProductPublished',
      'ConsumerOnboarded',
      'ConsumerOnboarded',
    ]);
    expect(events[0]).toMatchObject({
      productId: 'payments.orders-daily',
      subject: 'payments.orders-daily',
      version: '2.0.0',
      tier: 'critical',
      time: Date.parse('2026-11-30T10:00:00Z'),
      source: 'https://contracts.acme.example',
    });
    expect(
      events.slice(1).map((e) => (e.type === 'ConsumerOnboarded' ? [e.consumerTeam, e.useCaseId] : [])),
    ).toEqual([
      ['risk-team', 'uc-fraud-scoring'],
      ['ml-platform', null],
    ]);
  });

  it('one payload → one event, computed fields', async () => {
    const outcome = await applyGenericMapping(
      mapping,
      { deliveryId: 'msg_2', payload: load('session-finished') },
      context,
    );
    expect(validated(outcome)).toEqual([
      expect.objectContaining({
        type: 'StakeholderEngaged',
        domain: 'logistics',
        kind: 'workshop',
        audienceSize: 7,
        time: Date.parse('2026-11-28T15:30:00Z'),
      }),
    ]);
  });

  it('a payload no entry matches → no events, ignored', async () => {
    const outcome = await applyGenericMapping(
      mapping,
      { deliveryId: 'msg_3', payload: { event: 'contract.draft' } },
      context,
    );
    expect(outcome.events).toEqual([]);
    expect(outcome.ignored?.code).toBe('no-match');
  });

  it('the same delivery yields the same ids; another delivery other ids', async () => {
    const payload = load('contract-published');
    const ids = async (deliveryId: string) =>
      (await applyGenericMapping(mapping, { deliveryId, payload }, context)).events.map((e) => e.id);
    expect(await ids('msg_1')).toEqual(await ids('msg_1'));
    expect(await ids('msg_9')).not.toEqual(await ids('msg_1'));
    expect(new Set(await ids('msg_1')).size).toBe(3);
    expect(bodyDeliveryId('{"a":1}')).toBe(bodyDeliveryId(new TextEncoder().encode('{"a":1}')));
  });

  it('names the entry and field when an expression fails on a payload', async () => {
    const failing = parseGenericMapping(
      'mappings:\n  - name: n\n    type: StakeholderEngaged\n    fields:\n      domain: d\n      kind: k\n      audienceSize: $number(size)\n',
      'm.yaml',
    );
    await expect(
      applyGenericMapping(
        failing,
        { deliveryId: 'x', payload: { d: 'hr', k: 'demo', size: 'many' } },
        context,
      ),
    ).rejects.toMatchObject({ code: 'MM_ERR_ADAPTER_PAYLOAD_INVALID', field: 'n.fields.audienceSize' });
  });

  it('binds $headers and $payload, and a forEach over nothing yields nothing', async () => {
    const withHeaders = parseGenericMapping(
      [
        'mappings:',
        '  - name: from-header',
        '    type: StakeholderEngaged',
        '    fields: { domain: $headers."x-domain", kind: \'"demo"\', audienceSize: $count($payload.people) }',
        '  - name: per-item',
        '    forEach: items',
        '    type: ChampionGained',
        '    fields: { domain: d, personId: p, role: \'"sponsor"\' }',
      ].join('\n'),
      'h.yaml',
    );
    const outcome = await applyGenericMapping(
      withHeaders,
      { deliveryId: 'h1', payload: { people: ['a', 'b'] }, headers: { 'x-domain': 'hr' } },
      context,
    );
    expect(validated(outcome)).toEqual([
      expect.objectContaining({
        type: 'StakeholderEngaged',
        domain: 'hr',
        audienceSize: 2,
        time: context.receivedAtMs,
      }),
    ]);
    const session = { kind: 'demo', domain: 'hr', attendees: [] };
    const noTime = await applyGenericMapping(
      mapping,
      { deliveryId: 't', payload: { event: 'session.finished', session } },
      context,
    );
    expect(validated(noTime)[0]).toMatchObject({ time: context.receivedAtMs, audienceSize: 0 });
  });

  it('accepts JSON as well as YAML', () => {
    const json = JSON.stringify({
      mappings: [
        { name: 'j', type: 'ChampionGained', fields: { domain: 'd', personId: 'p', role: '"champion"' } },
      ],
    });
    expect(parseGenericMapping(json, 'm.json').entries.map((e) => e.name)).toEqual(['j']);
  });
});

describe('generic mapping validation at load', () => {
  it('names entry and line of every problem at once', () => {
    const error = loadError(
      [
        'mappings:', // 1
        '  - name: first', // 2
        '    type: DataProductPublishd', // 3
        '    fields: { productId: x }', // 4
        '  - name: second', // 5
        '    type: ChampionGained', // 6
        '    fields:', // 7
        '      domain: d', // 8
        '      personId: "p ++ q"', // 9
        '      role: r', // 10
        '      colour: c', // 11
        '      time: t', // 12
        '  - name: second', // 13
        '    type: ChampionLost', // 14
        '    fields: { domain: d, role: r }', // 15
      ].join('\n'),
    );
    expect(error.code).toBe('MM_ERR_MAPPING_INVALID');
    expect(error.issues.map((i) => `${i.entry}@${i.line}: ${i.reason.split(':')[0]}`)).toEqual([
      'first@3: type must be an event type of the catalogue (got "DataProductPublishd")',
      'second@9: fields.personId',
      'second@11: colour is not a field of ChampionGained',
      'second@12: time is set by the adapter (use the entry key time)',
      'second@13: name second is used by an earlier entry',
      'second@15: fields lacks personId (required by ChampionLost)',
    ]);
    expect(error.message).toContain('bad.yaml: first (line 3)');
  });

  it('reports a YAML syntax error with its line', () => {
    const error = loadError('mappings:\n  - name: a\n    type: [unclosed\n');
    expect(error.issues[0]).toMatchObject({ entry: '(file)', line: expect.any(Number) });
  });

  it('refuses an empty file and unknown keys', () => {
    expect(loadError('').issues[0]?.reason).toBe('must be a mapping with a non-empty mappings list');
    const error = loadError(
      'mappings:\n  - name: a\n    type: ChampionGained\n    filter: x\n    fields: { domain: d, personId: p, role: r }\n',
    );
    expect(error.issues).toEqual([
      expect.objectContaining({
        entry: 'a',
        line: 4,
        reason: expect.stringContaining('unknown key "filter"'),
      }),
    ]);
  });
});
