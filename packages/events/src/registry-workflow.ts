import { SchemaIncompatibleError } from '@mesh-momentum/common';
import { CATALOGUE, type CatalogueEntry } from './catalogue.ts';
import {
  errorCode,
  errorMessage,
  REGISTRY_ERROR_CODES,
  schemaIdFailure,
  unexpected,
} from './registry-errors.ts';
import { SUBJECT_COMPATIBILITY } from './registry-options.ts';
import { registryCall, type RegistryWorkflowOptions } from './registry-transport.ts';
import { explainIncompatibility, parseAvro } from './schema-resolution.ts';
import { subjectForType } from './schema-subject.ts';

/**
 * The schema workflow of the catalogue over the Confluent-compatible REST API: register every event
 * schema under its record-name subject with FULL_TRANSITIVE compatibility, check a changed schema
 * before it is merged, and explain a refusal.
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

export type CompatibilityLevel =
  'NONE' | 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE';

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

const enc = encodeURIComponent;

/**
 * The schema text registered under `schemaId` (a record's writer schema).
 * @throws UnknownSchemaError only when the registry says the id does not exist (see `schemaIdFailure`).
 */
export async function fetchSchemaText(options: RegistryWorkflowOptions, schemaId: number): Promise<string> {
  const answer = await registryCall(options, 'GET', `/schemas/ids/${schemaId}`);
  const schema = (answer.body as { schema?: unknown } | undefined)?.schema;
  if (answer.status === 200 && typeof schema === 'string') return schema;
  throw schemaIdFailure(schemaId, options.url, answer);
}

/** The compatibility level set on `subject`, or undefined when it has none of its own. */
export async function getCompatibility(
  options: RegistryWorkflowOptions,
  subject: string,
): Promise<CompatibilityLevel | undefined> {
  const answer = await registryCall(options, 'GET', `/config/${enc(subject)}`);
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
  let answer = await registryCall(options, 'PUT', `/config/${enc(subject)}`, { compatibility: level });
  // Two clients setting a new subject's level at once: Apicurio answers the second one 409 (rule
  // exists) where Confluent would update; setting it again then updates it.
  if (answer.status === 409)
    answer = await registryCall(options, 'PUT', `/config/${enc(subject)}`, { compatibility: level });
  if (answer.status !== 200) throw unexpected(`set compatibility of ${subject}`, answer);
}

/** The schema texts registered under `subject`, oldest first; empty for an unknown subject. */
export async function registeredVersions(
  options: RegistryWorkflowOptions,
  subject: string,
): Promise<{ version: number; schemaText: string }[]> {
  const list = await registryCall(options, 'GET', `/subjects/${enc(subject)}/versions`);
  if (list.status === 404) return [];
  if (list.status !== 200 || !Array.isArray(list.body)) throw unexpected(`versions of ${subject}`, list);
  const versions: { version: number; schemaText: string }[] = [];
  for (const version of list.body as number[]) {
    const answer = await registryCall(options, 'GET', `/subjects/${enc(subject)}/versions/${version}`);
    const schema = (answer.body as { schema?: unknown } | undefined)?.schema;
    if (answer.status !== 200 || typeof schema !== 'string')
      throw unexpected(`${subject} version ${version}`, answer);
    versions.push({ version, schemaText: schema });
  }
  return versions;
}

/** 404 codes of a compatibility check that mean "nothing registered under the subject yet". */
const NOTHING_REGISTERED: readonly (number | undefined)[] = [
  REGISTRY_ERROR_CODES.SUBJECT_NOT_FOUND,
  REGISTRY_ERROR_CODES.VERSION_NOT_FOUND,
  undefined,
];

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
  const answer = await registryCall(
    options,
    'POST',
    `/compatibility/subjects/${enc(subject)}/versions?verbose=true`,
    {
      schema: schemaText,
      schemaType: 'AVRO',
    },
  );
  if (answer.status === 404 && NOTHING_REGISTERED.includes(errorCode(answer.body))) {
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
  const found = await registryCall(options, 'POST', `/subjects/${enc(subject)}`, payload);
  const foundId = (found.body as { id?: unknown } | undefined)?.id;
  if (found.status === 200 && typeof foundId === 'number') return { id: foundId, status: 'unchanged' };
  if (found.status !== 404) throw unexpected(`look-up of ${subject}`, found);

  const answer = await registryCall(options, 'POST', `/subjects/${enc(subject)}/versions`, payload);
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
