/**
 * Exit codes of `mesh-momentum`, the same for every command (documented in `--help` and the README).
 * Scripts branch on them: 1 means "look at your input", 3 means "try again when the services are up".
 */
export const EXIT_CODES = {
  /** Everything done. */
  OK: 0,
  /** Some events were refused (invalid, future-dated, too large for the topic), or a schema is incompatible. */
  REFUSED: 1,
  /**
   * Bad command line, unreadable input file or invalid MM_* configuration, including Kafka refusing the
   * configured credentials, certificate trust or ACLs (MM_ERR_KAFKA_AUTHENTICATION_FAILED and the like).
   */
  USAGE: 2,
  /** Kafka or the schema registry could not be reached, or Kafka did not acknowledge events. */
  UNREACHABLE: 3,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

export const EXIT_CODES_HELP = `
Exit codes:
  0  ok
  1  some events refused (invalid, future-dated or too large), or a schema is incompatible
  2  usage error: bad arguments, unreadable file, invalid MM_* configuration
     (also: Kafka refuses the SASL credentials, the broker certificate or a missing ACL)
  3  infrastructure: Kafka or the schema registry unreachable, or events not acknowledged

Configuration comes from MM_* environment variables (MM_KAFKA_BROKERS, MM_SCHEMA_REGISTRY_URL,
MM_TOPIC_EVENTS, ...); see docs/configuration.md.`;
