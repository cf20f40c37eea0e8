import {
  RegistryRefusedError,
  RegistryUnavailableError,
  UnknownSchemaError,
  type MeshMomentumError,
} from '@mesh-momentum/common';
import type { RegistryAnswer } from './registry-transport.ts';

/**
 * How the schema registry's answers map onto our errors: a registry that cannot answer now is
 * retriable (RegistryUnavailableError); one that refuses us, or answers what we did not expect, is not.
 */

/** Confluent's error codes (`error_code` of a 404) that the workflow tells apart. */
export const REGISTRY_ERROR_CODES = {
  SUBJECT_NOT_FOUND: 40401,
  VERSION_NOT_FOUND: 40402,
  /** "Schema id not found"; any other 404 of `/schemas/ids/{id}` means the URL is wrong. */
  SCHEMA_NOT_FOUND: 40403,
} as const;

/** The message of an error answer (Confluent's `message`, else the body as text). */
export function errorMessage(body: unknown): string {
  if (body && typeof body === 'object' && 'message' in body) return String(body.message);
  return typeof body === 'string' ? body : JSON.stringify(body);
}

/** Confluent's `error_code` of an error answer, when it has one. */
export function errorCode(body: unknown): number | undefined {
  if (body && typeof body === 'object' && 'error_code' in body && typeof body.error_code === 'number') {
    return body.error_code;
  }
  return undefined;
}

/** The request never got an answer (connection refused, DNS, timeout). */
export function unreachable(method: string, path: string, error: unknown): RegistryUnavailableError {
  return new RegistryUnavailableError(
    `${method} ${path}: schema registry unreachable: ${(error as Error).message}`,
    { cause: error },
  );
}

/**
 * The error an answer stands for whatever was asked, or undefined when the caller must judge it:
 * the registry (or a proxy) failing or overloaded is retriable; refused credentials do not heal by
 * retrying.
 */
export function failedAnswer(
  method: string,
  path: string,
  answer: RegistryAnswer,
): MeshMomentumError | undefined {
  const { status, body } = answer;
  if (status >= 500 || status === 408 || status === 429) {
    return new RegistryUnavailableError(
      `${method} ${path}: registry answered ${status}: ${errorMessage(body)}`,
    );
  }
  if (status === 401 || status === 403) {
    return new RegistryRefusedError(
      `${method} ${path}: registry refused the credentials (${status}): ${errorMessage(body)}`,
      status,
    );
  }
  return undefined;
}

/** Any answer we did not expect: a client-side problem with no better error. */
export function unexpected(what: string, answer: RegistryAnswer): MeshMomentumError {
  if (answer.status === 404)
    return new UnknownSchemaError(`${what}: not found: ${errorMessage(answer.body)}`);
  return new RegistryRefusedError(
    `${what}: unexpected answer ${answer.status}: ${errorMessage(answer.body)}`,
    answer.status,
  );
}

/**
 * The error for an answer to `GET /schemas/ids/{schemaId}` that is not the schema. Only the registry's
 * own "schema not found" is final (`UnknownSchemaError`: the record is dead-lettered); a 404 without
 * that code (a wrong base URL, a proxy) or an answer that is not a schema is retriable, so a
 * misconfigured registry pauses the processor instead of dead-lettering good records.
 */
export function schemaIdFailure(schemaId: number, url: string, answer: RegistryAnswer): MeshMomentumError {
  if (answer.status === 404 && errorCode(answer.body) === REGISTRY_ERROR_CODES.SCHEMA_NOT_FOUND) {
    return new UnknownSchemaError(`schema id ${schemaId}: not found in the schema registry`, schemaId);
  }
  return new RegistryUnavailableError(
    `schema id ${schemaId}: unexpected answer ${answer.status} from ${url}: ${errorMessage(answer.body)}`,
  );
}
