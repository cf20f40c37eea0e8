import { RegistryUnavailableError, UnknownSchemaError } from '@mesh-momentum/common';
import type { RegistryClientOptions } from './registry-options.ts';
import { registerSchema } from './registry-workflow.ts';

/**
 * The schema-registry calls Mesh Momentum makes, over the Confluent-compatible REST API (Confluent
 * Schema Registry, Apicurio's ccompat API, Redpanda, Karapace). Subjects follow the record-name strategy:
 * the subject of an event schema is its fully qualified record name, so event types of different shapes
 * share one topic.
 */

const REQUEST_TIMEOUT_MS = 10_000;

function statusOf(error: unknown): number | undefined {
  if (error && typeof error === 'object' && 'status' in error && typeof error.status === 'number') {
    return error.status;
  }
  return undefined;
}

/** Maps client-library failures onto our error codes: 404 is "unknown", anything else is retriable. */
export function toRegistryError(error: unknown, what: string, schemaId?: number): Error {
  const status = statusOf(error);
  if (status === 404)
    return new UnknownSchemaError(`${what}: not found in the schema registry`, schemaId, { cause: error });
  const detail =
    error && typeof error === 'object' && 'message' in error ? String(error.message) : String(error);
  return new RegistryUnavailableError(`${what}: schema registry request failed: ${detail}`, { cause: error });
}

export class RegistryClient {
  readonly #options: RegistryClientOptions;
  readonly #url: string;
  readonly #authorization: string | undefined;

  constructor(options: RegistryClientOptions) {
    this.#url = options.url.replace(/\/+$/, '');
    this.#authorization = options.auth
      ? `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`
      : undefined;
    this.#options = options;
  }

  /**
   * Registers (or finds, if identical) a schema under `subject`, with the subject's compatibility set
   * first; returns its id. Idempotent, and safe when several producers start at once.
   */
  async register(subject: string, schemaText: string): Promise<number> {
    return (await registerSchema(this.#options, subject, schemaText)).id;
  }

  /** The schema text stored under `schemaId` (the writer schema of a record). */
  async schemaText(schemaId: number): Promise<string> {
    // A plain GET rather than the library's getSchema, which hands back a type parsed without our
    // logical-type options.
    let response: Response;
    try {
      response = await fetch(`${this.#url}/schemas/ids/${schemaId}`, {
        headers: {
          accept: 'application/vnd.schemaregistry.v1+json, application/json',
          ...(this.#authorization ? { authorization: this.#authorization } : {}),
        },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw toRegistryError(error, `schema id ${schemaId}`, schemaId);
    }
    if (!response.ok) {
      throw toRegistryError(
        { status: response.status, message: await response.text() },
        `schema id ${schemaId}`,
        schemaId,
      );
    }
    const body = (await response.json()) as { schema?: unknown };
    if (typeof body.schema !== 'string') {
      throw new RegistryUnavailableError(`schema id ${schemaId}: registry answer has no schema text`);
    }
    return body.schema;
  }
}
