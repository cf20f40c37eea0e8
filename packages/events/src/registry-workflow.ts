import avro from 'avsc';
import {
  RegistryRefusedError,
  RegistryUnavailableError,
  SchemaIncompatibleError,
  UnknownSchemaError,
  type MeshMomentumError,
} from '@mesh-momentum/common';
import {
  CATALOGUE,
  EVENT_NAMESPACE,
  avroTypeOptions,
  catalogueEntry,
  type CatalogueEntry,
} from './catalogue.ts';
import { SUBJECT_COMPATIBILITY, type RegistryClientOptions } from './registry-options.ts';

/**
 * The schema workflow of the catalogue over the Confluent-compatible REST API: register every event
 * schema under its record-name subject with FULL_TRANSITIVE compatibility, check a changed schema
 * before it is merged, and explain a refusal. Plain `fetch`, so every status code is ours to map.
 *
 * Differences between registries this code absorbs (checked against Apicurio 3.0.9's ccompat v7 API):
 * - Compatibility checks against `/versions/latest` compare with the latest version only, even when
 *   the subject is FULL_TRANSITIVE; `/versions` (no version) checks every version the mode requires.
 *   We use the latter.
 * - For an unknown subject Confluent answers 404 (40401) and Apicurio `/versions/latest` answers
 *   `is_compatible: true`; both mean "nothing registered that could break".
 * - `verbose=true` yields `messages` on Confluent, none on Apicurio; the reasons are then computed
 *   locally by resolving the schema against every registered version with avsc.
 * - GET /config/{subject} for a subject without its own level: Confluent 40408, Apicurio 40401.
 */

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export type CompatibilityLevel =
  'NONE' | 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE';

export interface RegistryWorkflowOptions extends RegistryClientOptions {
  /**
   * Per-request timeout, ms.
   * @defaultValue 10000
   */
  readonly requestTimeoutMs?: number;
}

export interface RegistrationResult {
  readonly type: string;
  readonly subject: string;
  /** Global schema id, as written into the Confluent wire format. */
  readonly id: number;
  /** `unchanged`: this exact schema was already registered under the subject. */
  readonly status: 'registered' | 'unchanged';
}

export interface CompatibilityResult {
  readonly compatible: boolean;
  /** Reasons when not compatible; empty otherwise. */
  readonly messages: readonly string[];
}

interface RegistryAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** Subject of a schema under the record-name strategy: its fully qualified record name. */
export function subjectOf(schemaText: string): string {
  const schema = parseSchemaJson(schemaText);
  const name = typeof schema['name'] === 'string' ? schema['name'] : undefined;
  if (!name) throw new SchemaIncompatibleError('(unnamed)', ['the schema is not a named Avro record']);
  if (name.includes('.')) return name;
  return `${typeof schema['namespace'] === 'string' ? schema['namespace'] : EVENT_NAMESPACE}.${name}`;
}

function parseSchemaJson(schemaText: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(schemaText);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through to the common error
  }
  throw new SchemaIncompatibleError('(unparsable)', ['the schema is not a JSON object']);
}

/**
 * An avsc type for any schema text (e.g. a writer schema fetched by id), with the codec's logical
 * types, so tools and tests can encode and resolve without depending on avsc themselves.
 */
export function parseAvroSchema(schemaText: string): avro.Type {
  return avro.Type.forSchema(JSON.parse(schemaText) as avro.Schema, avroTypeOptions());
}

/** Parses a schema the way the registry compares them: plain Avro, logical types as their base type. */
function parseAvro(subject: string, schemaText: string): avro.Type {
  try {
    return avro.Type.forSchema(JSON.parse(schemaText) as avro.Schema);
  } catch (error) {
    throw new SchemaIncompatibleError(subject, [`not a valid Avro schema: ${(error as Error).message}`], {
      cause: error,
    });
  }
}

function errorMessage(body: unknown): string {
  if (body && typeof body === 'object' && 'message' in body) return String(body.message);
  return typeof body === 'string' ? body : JSON.stringify(body);
}

function errorCode(body: unknown): number | undefined {
  if (body && typeof body === 'object' && 'error_code' in body && typeof body.error_code === 'number') {
    return body.error_code;
  }
  return undefined;
}

async function call(
  options: RegistryWorkflowOptions,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
): Promise<RegistryAnswer> {
  const url = `${options.url.replace(/\/+$/, '')}${path}`;
  const headers: Record<string, string> = { accept: `${CONTENT_TYPE}, application/json` };
  if (body !== undefined) headers['content-type'] = CONTENT_TYPE;
  if (options.auth) {
    headers['authorization'] =
      `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`;
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new RegistryUnavailableError(
      `${method} ${path}: schema registry unreachable: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON (a proxy's error page): keep the text for the message
  }
  if (response.status >= 500 || response.status === 408 || response.status === 429) {
    throw new RegistryUnavailableError(
      `${method} ${path}: registry answered ${response.status}: ${errorMessage(parsed)}`,
    );
  }
  if (response.status === 401 || response.status === 403) {
    // Wrong credentials do not heal by retrying.
    throw new RegistryRefusedError(
      `${method} ${path}: registry refused the credentials (${response.status}): ${errorMessage(parsed)}`,
      response.status,
    );
  }
  return { status: response.status, body: parsed };
}

/** Any answer we did not expect: a client-side problem with no better error. */
function unexpected(what: string, answer: RegistryAnswer): MeshMomentumError {
  if (answer.status === 404)
    return new UnknownSchemaError(`${what}: not found: ${errorMessage(answer.body)}`);
  return new RegistryRefusedError(
    `${what}: unexpected answer ${answer.status}: ${errorMessage(answer.body)}`,
    answer.status,
  );
}

const enc = encodeURIComponent;

/** Confluent's error code for "schema id not found"; any other 404 means the URL is wrong. */
const SCHEMA_NOT_FOUND = 40403;

/**
 * The schema text registered under `schemaId` (a record's writer schema). Only the registry's own
 * "schema not found" is final (`UnknownSchemaError`: the record is dead-lettered); a 404 without that
 * code (a wrong base URL, a proxy) or an answer that is not a schema is retriable, so a misconfigured
 * registry pauses the processor instead of dead-lettering good records.
 */
export async function fetchSchemaText(options: RegistryWorkflowOptions, schemaId: number): Promise<string> {
  const answer = await call(options, 'GET', `/schemas/ids/${schemaId}`);
  const schema = (answer.body as { schema?: unknown } | undefined)?.schema;
  if (answer.status === 200 && typeof schema === 'string') return schema;
  if (answer.status === 404 && errorCode(answer.body) === SCHEMA_NOT_FOUND) {
    throw new UnknownSchemaError(`schema id ${schemaId}: not found in the schema registry`, schemaId);
  }
  throw new RegistryUnavailableError(
    `schema id ${schemaId}: unexpected answer ${answer.status} from ${options.url}: ${errorMessage(answer.body)}`,
  );
}

/** The compatibility level set on `subject`, or undefined when it has none of its own. */
export async function getCompatibility(
  options: RegistryWorkflowOptions,
  subject: string,
): Promise<CompatibilityLevel | undefined> {
  const answer = await call(options, 'GET', `/config/${enc(subject)}`);
  if (answer.status === 404) return undefined;
  const level = (answer.body as { compatibilityLevel?: unknown; compatibility?: unknown } | undefined) ?? {};
  const value = level.compatibilityLevel ?? level.compatibility;
  if (answer.status !== 200 || typeof value !== 'string')
    throw unexpected(`compatibility of ${subject}`, answer);
  return value as CompatibilityLevel;
}

export async function setCompatibility(
  options: RegistryWorkflowOptions,
  subject: string,
  level: CompatibilityLevel = SUBJECT_COMPATIBILITY as CompatibilityLevel,
): Promise<void> {
  let answer = await call(options, 'PUT', `/config/${enc(subject)}`, { compatibility: level });
  // Two clients setting a new subject's level at once: Apicurio answers the second one 409 (rule
  // exists) where Confluent would update; setting it again then updates it.
  if (answer.status === 409)
    answer = await call(options, 'PUT', `/config/${enc(subject)}`, { compatibility: level });
  if (answer.status !== 200) throw unexpected(`set compatibility of ${subject}`, answer);
}

/** The schema texts registered under `subject`, oldest first; empty for an unknown subject. */
export async function registeredVersions(
  options: RegistryWorkflowOptions,
  subject: string,
): Promise<{ version: number; schemaText: string }[]> {
  const list = await call(options, 'GET', `/subjects/${enc(subject)}/versions`);
  if (list.status === 404) return [];
  if (list.status !== 200 || !Array.isArray(list.body)) throw unexpected(`versions of ${subject}`, list);
  const versions: { version: number; schemaText: string }[] = [];
  for (const version of list.body as number[]) {
    const answer = await call(options, 'GET', `/subjects/${enc(subject)}/versions/${version}`);
    const schema = (answer.body as { schema?: unknown } | undefined)?.schema;
    if (answer.status !== 200 || typeof schema !== 'string')
      throw unexpected(`${subject} version ${version}`, answer);
    versions.push({ version, schemaText: schema });
  }
  return versions;
}

/**
 * Why `schemaText` is not FULL_TRANSITIVE-compatible with the given versions, computed locally with
 * avsc's schema resolution: the new schema must read data of every version (backward) and every
 * version must read data of the new schema (forward). Empty when all resolve.
 */
export function explainIncompatibility(
  subject: string,
  schemaText: string,
  versions: readonly { version: number; schemaText: string }[],
): string[] {
  const candidate = parseAvro(subject, schemaText);
  const messages: string[] = [];
  for (const { version, schemaText: text } of versions) {
    const existing = parseAvro(subject, text);
    try {
      candidate.createResolver(existing);
    } catch (error) {
      messages.push(
        `the new schema cannot read data written with version ${version}: ${(error as Error).message}`,
      );
    }
    try {
      existing.createResolver(candidate);
    } catch (error) {
      messages.push(
        `readers on version ${version} cannot read data written with the new schema: ${(error as Error).message}`,
      );
    }
  }
  return messages;
}

/**
 * Checks `schemaText` against every version registered under `subject`, as the subject's compatibility
 * level requires. A subject with nothing registered yet is compatible with anything.
 */
export async function checkSubjectCompatibility(
  options: RegistryWorkflowOptions,
  subject: string,
  schemaText: string,
): Promise<CompatibilityResult> {
  parseAvro(subject, schemaText);
  const answer = await call(
    options,
    'POST',
    `/compatibility/subjects/${enc(subject)}/versions?verbose=true`,
    {
      schema: schemaText,
      schemaType: 'AVRO',
    },
  );
  if (answer.status === 404 && [40401, 40402, undefined].includes(errorCode(answer.body))) {
    return { compatible: true, messages: [] };
  }
  if (answer.status === 422) {
    return { compatible: false, messages: [`the registry refused the schema: ${errorMessage(answer.body)}`] };
  }
  const body = answer.body as { is_compatible?: unknown; messages?: unknown } | undefined;
  if (answer.status !== 200 || typeof body?.is_compatible !== 'boolean') {
    throw unexpected(`compatibility check of ${subject}`, answer);
  }
  if (body.is_compatible) return { compatible: true, messages: [] };
  const given = Array.isArray(body.messages) ? body.messages.map(String) : [];
  const messages =
    given.length > 0
      ? given
      : explainIncompatibility(subject, schemaText, await registeredVersions(options, subject));
  return {
    compatible: false,
    messages:
      messages.length > 0 ? messages : ['the registry reported the schema incompatible without details'],
  };
}

/** Subject of an event type: its catalogue record name, or the default namespace for a new type. */
export function subjectForType(type: string): string {
  return catalogueEntry(type)?.fullName ?? `${EVENT_NAMESPACE}.${type}`;
}

/** Checks a changed (or new) schema of event `type` before it is registered. */
export function checkCompatibility(
  options: RegistryWorkflowOptions,
  type: string,
  schemaText: string,
): Promise<CompatibilityResult> {
  return checkSubjectCompatibility(options, subjectForType(type), schemaText);
}

/**
 * Registers `schemaText` under `subject` with FULL_TRANSITIVE compatibility (set on the subject
 * first). Idempotent: an identical schema is looked up and reported `unchanged` with its id.
 * @throws SchemaIncompatibleError (MM_ERR_SCHEMA_INCOMPATIBLE) when the registry refuses it.
 */
export async function registerSchema(
  options: RegistryWorkflowOptions,
  subject: string,
  schemaText: string,
): Promise<{ id: number; status: 'registered' | 'unchanged' }> {
  parseAvro(subject, schemaText);
  const payload = { schema: schemaText, schemaType: 'AVRO' };
  // Also for a schema registered before: a subject created by another client may lack the level.
  await setCompatibility(options, subject, SUBJECT_COMPATIBILITY as CompatibilityLevel);
  const found = await call(options, 'POST', `/subjects/${enc(subject)}`, payload);
  const foundId = (found.body as { id?: unknown } | undefined)?.id;
  if (found.status === 200 && typeof foundId === 'number') return { id: foundId, status: 'unchanged' };
  if (found.status !== 404) throw unexpected(`look-up of ${subject}`, found);

  const answer = await call(options, 'POST', `/subjects/${enc(subject)}/versions`, payload);
  const id = (answer.body as { id?: unknown } | undefined)?.id;
  if (answer.status === 200 && typeof id === 'number') return { id, status: 'registered' };
  if (answer.status === 409 || answer.status === 422) {
    const local =
      answer.status === 409
        ? explainIncompatibility(subject, schemaText, await registeredVersions(options, subject))
        : [];
    throw new SchemaIncompatibleError(subject, [...local, `registry: ${errorMessage(answer.body)}`]);
  }
  throw unexpected(`register ${subject}`, answer);
}

/** Registers every schema of the catalogue (or the given entries) under its record-name subject. */
export async function registerAll(
  options: RegistryWorkflowOptions,
  entries: Iterable<CatalogueEntry> = CATALOGUE.values(),
): Promise<RegistrationResult[]> {
  const results: RegistrationResult[] = [];
  // One at a time: the output order is the catalogue's, and a refusal stops before later subjects.
  for (const entry of entries) {
    const { id, status } = await registerSchema(options, entry.fullName, entry.schemaText);
    results.push({ type: entry.type, subject: entry.fullName, id, status });
  }
  return results;
}
