import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ErrorCodes, SchemaIncompatibleError } from '@mesh-momentum/common';
import {
  RegistryClient,
  checkSubjectCompatibility,
  getCompatibility,
  parseAvroSchema,
  registerSchema,
  type RegistryWorkflowOptions,
} from '@mesh-momentum/events';

/**
 * Schema evolution against the real registry (Apicurio's Confluent-compatible API locally): what
 * FULL_TRANSITIVE lets through, what it refuses and why, and that old and new readers really read
 * each other's records. Every run uses its own namespace, so runs never see each other's subjects.
 */

const DEFAULT_REGISTRY_URL = 'http://127.0.0.1:18081/apis/ccompat/v7';
const NAMESPACE = `mmtest.evolution.r${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const SUBJECT = `${NAMESPACE}.Widget`;

interface Field {
  readonly name: string;
  readonly type: unknown;
  readonly default?: unknown;
}

const schema = (fields: readonly Field[]): string =>
  JSON.stringify({ type: 'record', name: 'Widget', namespace: NAMESPACE, fields });

const ID: Field = { name: 'id', type: 'string' };
const COUNT: Field = { name: 'count', type: 'int' };
const V1 = schema([ID, COUNT]);
/** Allowed: a new field with a default (old readers ignore it, new readers default it on old data). */
const V2 = schema([ID, COUNT, { name: 'colour', type: 'string', default: 'none' }]);
/** Refused: a required field removed (readers on v1 and v2 need `count` and have no default). */
const REMOVED = schema([ID, { name: 'colour', type: 'string', default: 'none' }]);
/** Refused: a field's type changed. */
const RETYPED = schema([
  ID,
  { name: 'count', type: 'string' },
  { name: 'colour', type: 'string', default: 'none' },
]);
/** Refused only transitively: fine next to v2, but it cannot read v1 data (colour has no default). */
const NO_DEFAULT = schema([ID, COUNT, { name: 'colour', type: 'string' }]);

describe('schema evolution under FULL_TRANSITIVE', () => {
  let options: RegistryWorkflowOptions;
  let v1Id: number;
  let v2Id: number;

  beforeAll(() => {
    const services = inject('services') as { registryUrl?: string } | undefined;
    options = {
      url: services?.registryUrl ?? process.env['MM_SCHEMA_REGISTRY_URL'] ?? DEFAULT_REGISTRY_URL,
    };
  });

  it('registers the first version idempotently and sets FULL_TRANSITIVE on the subject', async () => {
    const first = await registerSchema(options, SUBJECT, V1);
    expect(first.status).toBe('registered');
    const again = await registerSchema(options, SUBJECT, V1);
    expect(again).toEqual({ id: first.id, status: 'unchanged' });
    expect(await getCompatibility(options, SUBJECT)).toBe('FULL_TRANSITIVE');
    v1Id = first.id;
  });

  it('allows a new field with a default', async () => {
    expect(await checkSubjectCompatibility(options, SUBJECT, V2)).toEqual({ compatible: true, messages: [] });
    const second = await registerSchema(options, SUBJECT, V2);
    expect(second.status).toBe('registered');
    expect(second.id).not.toBe(v1Id);
    v2Id = second.id;
  });

  it('lets a v1 reader decode a v2 record and a v2 reader decode a v1 record', async () => {
    // Writer schemas as a consumer gets them: by the id in the record's wire header.
    const client = new RegistryClient(options);
    const v1 = parseAvroSchema(await client.schemaText(v1Id));
    const v2 = parseAvroSchema(await client.schemaText(v2Id));

    const newRecord = v2.toBuffer({ id: 'w-2', count: 2, colour: 'red' });
    expect({ ...(v1.fromBuffer(newRecord, v1.createResolver(v2)) as object) }).toEqual({
      id: 'w-2',
      count: 2,
    });

    const oldRecord = v1.toBuffer({ id: 'w-1', count: 1 });
    expect({ ...(v2.fromBuffer(oldRecord, v2.createResolver(v1)) as object) }).toEqual({
      id: 'w-1',
      count: 1,
      colour: 'none',
    });
  });

  it.each([
    ['a removed required field', REMOVED, /count/],
    ['a changed field type', RETYPED, /string|int/],
    ['a new field without default (breaks only against v1: transitive)', NO_DEFAULT, /version 1.*colour/],
  ])('refuses %s, with reasons, and registering it fails', async (_name, candidate, reason) => {
    const result = await checkSubjectCompatibility(options, SUBJECT, candidate);
    expect(result.compatible).toBe(false);
    expect(result.messages.length).toBeGreaterThan(0);
    expect(result.messages.join('\n')).toMatch(reason);

    const refusal = registerSchema(options, SUBJECT, candidate);
    await expect(refusal).rejects.toBeInstanceOf(SchemaIncompatibleError);
    await expect(refusal).rejects.toMatchObject({ code: ErrorCodes.SCHEMA_INCOMPATIBLE, subject: SUBJECT });
  });

  it('treats a subject with nothing registered as compatible', async () => {
    expect(await checkSubjectCompatibility(options, `${NAMESPACE}.Unregistered`, V1)).toEqual({
      compatible: true,
      messages: [],
    });
  });
});
