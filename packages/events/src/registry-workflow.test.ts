import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorCodes, RegistryUnavailableError, SchemaIncompatibleError } from '@mesh-momentum/common';
import {
  checkSubjectCompatibility,
  getCompatibility,
  registerAll,
  registerSchema,
} from './registry-workflow.ts';
import { explainIncompatibility } from './schema-resolution.ts';
import { subjectOf } from './schema-subject.ts';
import { CATALOGUE } from './catalogue.ts';

const V1 = JSON.stringify({
  type: 'record',
  name: 'Thing',
  namespace: 'test.ns',
  fields: [
    { name: 'a', type: 'string' },
    { name: 'n', type: 'int' },
  ],
});
const withField = (field: object): string => {
  const s = JSON.parse(V1) as { fields: object[] };
  return JSON.stringify({ ...s, fields: [...s.fields, field] });
};
const V2_ADDED = withField({ name: 'b', type: ['null', 'string'], default: null });
const V2_REMOVED = JSON.stringify({ ...JSON.parse(V1), fields: [{ name: 'a', type: 'string' }] });
const V2_RETYPED = JSON.stringify({
  ...JSON.parse(V1),
  fields: [
    { name: 'a', type: 'string' },
    { name: 'n', type: 'string' },
  ],
});

type Route = (method: string, path: string, body: unknown) => { status: number; body?: unknown } | undefined;

function fakeRegistry(route: Route): { calls: string[] } {
  const calls: string[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    const path = url.replace('http://registry.test', '');
    const method = init.method ?? 'GET';
    calls.push(`${method} ${path}`);
    const answer = route(method, path, init.body === undefined ? undefined : JSON.parse(String(init.body)));
    if (!answer)
      return new Response(JSON.stringify({ error_code: 404, message: 'no route' }), { status: 404 });
    return new Response(answer.body === undefined ? '' : JSON.stringify(answer.body), {
      status: answer.status,
    });
  });
  return { calls };
}

const OPTIONS = { url: 'http://registry.test/', auth: { username: 'u', password: 'p' } };

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('explainIncompatibility', () => {
  it('accepts a field added with a default', () => {
    expect(explainIncompatibility('s', V2_ADDED, [{ version: 1, schemaText: V1 }])).toEqual([]);
  });

  it('explains a removed field without default (old readers break)', () => {
    expect(explainIncompatibility('s', V2_REMOVED, [{ version: 1, schemaText: V1 }])).toEqual([
      expect.stringMatching(/^readers on version 1 cannot read data written with the new schema: .*n/),
    ]);
  });

  it('explains a changed type in both directions', () => {
    expect(explainIncompatibility('s', V2_RETYPED, [{ version: 1, schemaText: V1 }])).toHaveLength(2);
  });

  it('refuses text that is not an Avro schema', () => {
    expect(() => explainIncompatibility('s', '{"type":"record"}', [])).toThrow(SchemaIncompatibleError);
  });
});

describe('subjectOf', () => {
  it('is the fully qualified record name', () => {
    expect(subjectOf(V1)).toBe('test.ns.Thing');
    expect(subjectOf(CATALOGUE.get('ChampionGained')?.schemaText ?? '')).toBe(
      'io.meshmomentum.events.ChampionGained',
    );
  });
});

describe('checkSubjectCompatibility', () => {
  it('treats a subject with nothing registered as compatible (Confluent 404, Apicurio true)', async () => {
    fakeRegistry(() => ({ status: 404, body: { error_code: 40401, message: 'Subject not found' } }));
    await expect(checkSubjectCompatibility(OPTIONS, 'test.ns.Thing', V2_RETYPED)).resolves.toEqual({
      compatible: true,
      messages: [],
    });
  });

  it('checks against all versions and explains locally when the registry gives no messages', async () => {
    const { calls } = fakeRegistry((method, path) => {
      if (method === 'POST' && path.startsWith('/compatibility/subjects/test.ns.Thing/versions?')) {
        return { status: 200, body: { is_compatible: false } };
      }
      if (path === '/subjects/test.ns.Thing/versions') return { status: 200, body: [1] };
      if (path === '/subjects/test.ns.Thing/versions/1') return { status: 200, body: { schema: V1 } };
      return undefined;
    });
    const result = await checkSubjectCompatibility(OPTIONS, 'test.ns.Thing', V2_REMOVED);
    expect(result.compatible).toBe(false);
    expect(result.messages).toEqual([expect.stringContaining('readers on version 1')]);
    expect(calls[0]).toBe('POST /compatibility/subjects/test.ns.Thing/versions?verbose=true');
  });

  it('passes the registry messages on when it gives them (Confluent verbose)', async () => {
    fakeRegistry(() => ({
      status: 200,
      body: { is_compatible: false, messages: ['READER_FIELD_MISSING_DEFAULT_VALUE'] },
    }));
    await expect(checkSubjectCompatibility(OPTIONS, 'test.ns.Thing', V2_REMOVED)).resolves.toEqual({
      compatible: false,
      messages: ['READER_FIELD_MISSING_DEFAULT_VALUE'],
    });
  });

  it('maps an unreachable registry and server errors to retriable RegistryUnavailableError', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('fetch failed')));
    await expect(checkSubjectCompatibility(OPTIONS, 's.T', V1)).rejects.toMatchObject({
      code: ErrorCodes.REGISTRY_UNAVAILABLE,
      retriable: true,
    });
    fakeRegistry(() => ({ status: 503, body: 'busy' }));
    await expect(checkSubjectCompatibility(OPTIONS, 's.T', V1)).rejects.toBeInstanceOf(
      RegistryUnavailableError,
    );
    fakeRegistry(() => ({ status: 401, body: { message: 'unauthorized' } }));
    // Wrong credentials do not heal by retrying: a code of their own, so the docs' "retriable" holds.
    await expect(checkSubjectCompatibility(OPTIONS, 's.T', V1)).rejects.toMatchObject({
      code: ErrorCodes.REGISTRY_REFUSED,
      retriable: false,
      httpStatus: 502,
      status: 401,
    });
  });
});

describe('registerSchema and registerAll', () => {
  it('sets FULL_TRANSITIVE, then reports a known schema as unchanged', async () => {
    const { calls } = fakeRegistry((method, path, body) => {
      if (method === 'PUT' && path === '/config/test.ns.Thing') {
        expect(body).toEqual({ compatibility: 'FULL_TRANSITIVE' });
        return { status: 200, body: { compatibilityLevel: 'FULL_TRANSITIVE' } };
      }
      if (method === 'POST' && path === '/subjects/test.ns.Thing')
        return { status: 200, body: { id: 5, version: 1 } };
      return undefined;
    });
    await expect(registerSchema(OPTIONS, 'test.ns.Thing', V1)).resolves.toEqual({
      id: 5,
      status: 'unchanged',
    });
    expect(calls).toEqual(['PUT /config/test.ns.Thing', 'POST /subjects/test.ns.Thing']);
  });

  it('registers a new schema and refuses an incompatible one with MM_ERR_SCHEMA_INCOMPATIBLE', async () => {
    let accept = true;
    fakeRegistry((method, path) => {
      if (method === 'PUT') return { status: 200, body: { compatibilityLevel: 'FULL_TRANSITIVE' } };
      if (method === 'POST' && path === '/subjects/test.ns.Thing/versions') {
        return accept
          ? { status: 200, body: { id: 9 } }
          : { status: 409, body: { error_code: 409, message: 'Incompatible' } };
      }
      if (path === '/subjects/test.ns.Thing/versions') return { status: 200, body: [1] };
      if (path === '/subjects/test.ns.Thing/versions/1') return { status: 200, body: { schema: V1 } };
      return undefined; // look-up: 404, not registered yet
    });
    await expect(registerSchema(OPTIONS, 'test.ns.Thing', V2_ADDED)).resolves.toEqual({
      id: 9,
      status: 'registered',
    });
    accept = false;
    const refusal = registerSchema(OPTIONS, 'test.ns.Thing', V2_RETYPED);
    await expect(refusal).rejects.toBeInstanceOf(SchemaIncompatibleError);
    await expect(refusal).rejects.toMatchObject({
      code: 'MM_ERR_SCHEMA_INCOMPATIBLE',
      subject: 'test.ns.Thing',
      messages: expect.arrayContaining(['registry: Incompatible']),
    });
  });

  it('registers every catalogue schema under its record name, with basic auth', async () => {
    const auth: string[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      auth.push(String((init.headers as Record<string, string>)['authorization']));
      return new Response(JSON.stringify({ id: 1, compatibilityLevel: 'FULL_TRANSITIVE' }), { status: 200 });
    });
    const results = await registerAll(OPTIONS);
    expect(results.map((r) => r.subject)).toEqual([...CATALOGUE.values()].map((e) => e.fullName));
    expect(new Set(auth)).toEqual(new Set([`Basic ${Buffer.from('u:p').toString('base64')}`]));
  });
});

describe('getCompatibility', () => {
  it('reads the level, undefined when the subject has none', async () => {
    fakeRegistry((_m, path) =>
      path === '/config/a.B' ? { status: 200, body: { compatibilityLevel: 'FULL_TRANSITIVE' } } : undefined,
    );
    await expect(getCompatibility(OPTIONS, 'a.B')).resolves.toBe('FULL_TRANSITIVE');
    await expect(getCompatibility(OPTIONS, 'c.D')).resolves.toBeUndefined();
  });
});
