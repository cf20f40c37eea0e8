import fc from 'fast-check';
import type { RouteSpec } from './routes.ts';

/** One request for fastify's `inject`. */
export interface FuzzRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
}

/** Adds the headers that authenticate `body` for one receiver (a webhook signature), or none. */
export type Signer = (body: Buffer) => Record<string, string>;

/** What a service's requests are made of, beside pure noise: the values that get past its front door. */
export interface RequestVocabulary {
  /** Values for path parameters that exist (domains, products, silence ids, hook names). */
  readonly pathValues: readonly string[];
  /** Query parameter names the service reads. */
  readonly queryNames: readonly string[];
  /** `Authorization` values that authenticate (API, admin tokens). */
  readonly authorizations: readonly string[];
  /** Bodies the service accepts as they are (fixtures, valid events); mutated too. */
  readonly bodies: readonly string[];
  /** Signatures over the generated body: every request may carry one, whatever its route. */
  readonly signers: readonly Signer[];
}

/** Strings that have broken URL and JSON handling elsewhere. */
const NASTY = [
  '',
  ' ',
  '..',
  '%2e%2e',
  '%00',
  '%',
  '%ZZ',
  'a%2Fb',
  '%F0%9F%92%A9',
  '%C3%28',
  '__proto__',
  'constructor',
  'NaN',
  '-1',
  '1e309',
  '9007199254740993',
  '<!channel>',
  '=HYPERLINK("http://evil.example","x")',
];

const segment = (vocabulary: RequestVocabulary) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...vocabulary.pathValues.map(encodeURIComponent), 'x'), weight: 4 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map(encodeURIComponent), weight: 3 },
    { arbitrary: fc.constantFrom(...NASTY), weight: 2 },
    { arbitrary: fc.integer({ min: 1, max: 5000 }).map((n) => 'a'.repeat(n)), weight: 1 },
  );

const queryValue = fc.oneof(
  fc.constantFrom(...NASTY, 'csv', 'json', 'true', '0', '1', '100', '1001', 'desc', 'momentum', 'product'),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
  fc.integer().map(String),
);

const queryString = (vocabulary: RequestVocabulary) =>
  fc.oneof(
    { arbitrary: fc.constant(''), weight: 2 },
    {
      arbitrary: fc
        .array(
          fc.tuple(
            fc.oneof(
              { arbitrary: fc.constantFrom(...vocabulary.queryNames), weight: 8 },
              { arbitrary: fc.constantFrom('__proto__', 'a[]', 'constructor[prototype]'), weight: 1 },
              { arbitrary: fc.string({ maxLength: 12 }).map(encodeURIComponent), weight: 1 },
            ),
            queryValue,
          ),
          { minLength: 1, maxLength: 4 },
        )
        .map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`),
      weight: 6,
    },
    { arbitrary: fc.constantFrom('?', '?&&', '?=', '?a', '?%', '?a=%ZZ'), weight: 1 },
  );

/** The route's URL with every parameter and wildcard filled, and a query string. */
function urlOf(route: RouteSpec, vocabulary: RequestVocabulary): fc.Arbitrary<string> {
  const parts = route.url.split('/').map((part) => {
    if (part.startsWith(':')) return segment(vocabulary);
    if (part === '*')
      return fc.array(segment(vocabulary), { maxLength: 4 }).map((segments) => segments.join('/'));
    return fc.constant(part);
  });
  return fc
    .tuple(fc.tuple(...parts), queryString(vocabulary))
    .map(([filled, query]) => `${filled.join('/') || '/'}${query}`);
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/cloudevents+json',
  'application/cloudevents-batch+json',
  'application/x-ndjson',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'text/plain',
  'text/csv',
  'application/octet-stream',
  'application/xml',
  '*/*',
  'application/',
  ';',
];

/** Header names a service might read; random ones are added beside them. */
const HEADER_NAMES = [
  'accept',
  'accept-encoding',
  'content-encoding',
  'if-none-match',
  'last-event-id',
  'origin',
  'host',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-real-ip',
  'forwarded',
  'x-request-id',
  'x-github-event',
  'x-github-delivery',
  'x-hub-signature-256',
  'x-om-signature',
  'x-signature-256',
  'x-delivery-id',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'x-forwarded-user',
  'x-auth-request-user',
];

/** Headers inject computes itself, or that make it wait for more bytes: not fuzzed. */
const RESERVED_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'expect', 'upgrade']);

const headerName = fc
  .oneof(fc.constantFrom(...HEADER_NAMES), fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/))
  .filter((name) => !RESERVED_HEADERS.has(name));

const headerValue = fc.oneof(
  fc.constantFrom(...NASTY.filter((n) => n !== ''), 'push', 'release', 'ping', 'gzip', '*', '127.0.0.1'),
  fc.string({ maxLength: 60 }),
);

const authorization = (vocabulary: RequestVocabulary) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...vocabulary.authorizations), weight: 12 },
    { arbitrary: fc.string({ maxLength: 60 }).map((s) => `Bearer ${s}`), weight: 2 },
    {
      arbitrary: fc.constantFrom('Bearer', 'Bearer ', 'bearer a.b', 'Basic Zm9vOmJhcg==', 'Bearer a.', '.'),
      weight: 1,
    },
    { arbitrary: fc.string({ maxLength: 60 }), weight: 1 },
  );

/** A JSON value set at a random place of a seed body (or the seed as it is). */
function mutated(seed: string): fc.Arbitrary<string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(seed);
  } catch {
    return fc.constant(seed);
  }
  const paths: string[][] = [];
  const walk = (value: unknown, path: string[]) => {
    paths.push(path);
    if (value && typeof value === 'object' && paths.length < 200)
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  walk(parsed, []);
  return fc
    .tuple(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 3 }), fc.boolean())
    .map(([path, value, remove]) => {
      const copy = structuredClone(parsed) as Record<string, unknown>;
      if (path.length === 0) return JSON.stringify(value);
      let node = copy;
      for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
      const last = path[path.length - 1] ?? '';
      if (remove) Reflect.deleteProperty(node, last);
      else node[last] = value;
      return JSON.stringify(copy);
    });
}

function bodyOf(vocabulary: RequestVocabulary): fc.Arbitrary<Buffer | undefined> {
  const seeds = vocabulary.bodies.length > 0 ? vocabulary.bodies : ['{}'];
  const text = fc.oneof(
    { arbitrary: fc.constantFrom(...seeds), weight: 3 },
    { arbitrary: fc.constantFrom(...seeds).chain(mutated), weight: 6 },
    { arbitrary: fc.json({ maxDepth: 4 }), weight: 3 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 2 },
    {
      arbitrary: fc.constantFrom(
        '',
        'null',
        '{}',
        '[]',
        '"',
        '{"__proto__":{"polluted":1}}',
        '{"constructor":{"prototype":{"polluted":1}}}',
        '1e999',
        '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[',
        '\uFEFF{}',
      ),
      weight: 2,
    },
    {
      arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
      weight: 1,
    },
  );
  return fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 2 },
    { arbitrary: text.map((t) => Buffer.from(t)), weight: 8 },
    { arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)), weight: 1 },
  );
}

/** Requests to one route: its method (GET also as HEAD), filled URL, headers, body, maybe signed. */
export function requestsFor(route: RouteSpec, vocabulary: RequestVocabulary): fc.Arbitrary<FuzzRequest> {
  const method =
    route.method === 'GET' ? fc.constantFrom('GET', 'GET', 'GET', 'HEAD') : fc.constant(route.method);
  return fc
    .record({
      method,
      url: urlOf(route, vocabulary),
      authorization: fc.option(authorization(vocabulary), { freq: 6 }),
      contentType: fc.option(
        fc.oneof(
          { arbitrary: fc.constant('application/json'), weight: 6 },
          { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 3 },
          { arbitrary: fc.string({ maxLength: 40 }), weight: 1 },
        ),
        { freq: 6 },
      ),
      extra: fc.dictionary(headerName, headerValue, { maxKeys: 4 }),
      body: bodyOf(vocabulary),
      signer: fc.option(fc.nat(), { freq: 2 }),
    })
    .map(({ method, url, authorization, contentType, extra, body, signer }) => {
      const headers: Record<string, string> = { ...extra };
      if (authorization !== null) headers['authorization'] = authorization;
      if (contentType !== null) headers['content-type'] = contentType;
      const sign = signer === null ? undefined : vocabulary.signers[signer % vocabulary.signers.length];
      if (sign) Object.assign(headers, sign(body ?? Buffer.alloc(0)));
      return { method, url, headers, ...(body === undefined ? {} : { body }) };
    });
}

/** Any method on any path: what the not-found handler (and fastify's own refusals) answer. */
export function strayRequests(vocabulary: RequestVocabulary): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      method: fc.constantFrom(
        'GET',
        'POST',
        'PUT',
        'PATCH',
        'DELETE',
        'OPTIONS',
        'HEAD',
        'TRACE',
        'PROPFIND',
      ),
      path: fc.array(segment(vocabulary), { minLength: 1, maxLength: 5 }),
      query: queryString(vocabulary),
      body: bodyOf(vocabulary),
    })
    .map(({ method, path, query, body }): FuzzRequest => {
      const sendsBody = body !== undefined && method !== 'GET' && method !== 'HEAD';
      return {
        method,
        url: `/${path.join('/')}${query}`,
        headers: sendsBody ? { 'content-type': 'application/json' } : {},
        ...(sendsBody ? { body } : {}),
      };
    });
}
