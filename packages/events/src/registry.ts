import type { RegistryClientOptions } from './registry-options.ts';
import { fetchSchemaText, registerSchema } from './registry-workflow.ts';

/**
 * The two registry calls the codec makes, over the Confluent-compatible REST API, through the same
 * request handling and error classification as the registry workflow. Subjects follow the record-name
 * strategy: the subject of an event schema is its fully qualified record name, so event types of
 * different shapes share one topic.
 */
export class RegistryClient {
  readonly #options: RegistryClientOptions;

  constructor(options: RegistryClientOptions) {
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
  schemaText(schemaId: number): Promise<string> {
    return fetchSchemaText(this.#options, schemaId);
  }
}
