import {
  ConfigError,
  ErrorCodes,
  EventTooLargeError,
  EventValidationError,
  FutureDatedEventError,
  MeshMomentumError,
  redactUrlCredentials,
  type FieldIssue,
} from '@mesh-momentum/common';
import { isKafkaAccessError } from '@mesh-momentum/kafka';
import { EXIT_CODES, type ExitCode } from './exit-codes.ts';

/** A failure that ends the command with a given exit code and a one-line message on stderr. */
export class CliFailure extends Error {
  readonly exitCode: ExitCode;

  constructor(exitCode: ExitCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

export function usage(message: string): CliFailure {
  return new CliFailure(EXIT_CODES.USAGE, message);
}

/**
 * An event the pipeline refused because of its content: the caller must fix the input. An event Kafka
 * refuses as too large is one too: sending it again when "the services are up" cannot help.
 */
export function isInputError(
  error: unknown,
): error is EventValidationError | FutureDatedEventError | EventTooLargeError {
  return (
    error instanceof EventValidationError ||
    error instanceof FutureDatedEventError ||
    error instanceof EventTooLargeError
  );
}

export function issuesOf(error: unknown): readonly FieldIssue[] {
  if (error instanceof EventValidationError) return error.issues;
  if (error instanceof FutureDatedEventError)
    return [{ field: 'time', reason: error.message.replace(/^time: /, '') }];
  if (error instanceof EventTooLargeError) return [{ field: '(event)', reason: error.message }];
  return [];
}

const KAFKA_CONNECTION_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSNonRetriableError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSConnectionClosedError',
]);

/** Maps any error escaping a command to its exit code. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CliFailure) return error.exitCode;
  // Kafka refusing the credentials, the certificate or for want of an ACL: the configuration to fix.
  if (error instanceof ConfigError || isKafkaAccessError(error)) return EXIT_CODES.USAGE;
  if (isInputError(error)) return EXIT_CODES.REFUSED;
  // Not acknowledged after retries: an infrastructure problem, whatever kafkajs said.
  if (error instanceof MeshMomentumError && error.code === ErrorCodes.PRODUCER_SEND_FAILED) {
    return EXIT_CODES.UNREACHABLE;
  }
  if (error instanceof MeshMomentumError)
    return error.retriable ? EXIT_CODES.UNREACHABLE : EXIT_CODES.REFUSED;
  const name = error instanceof Error ? error.name : '';
  if (
    KAFKA_CONNECTION_ERRORS.has(name) ||
    /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|fetch failed/.test(String(error))
  ) {
    return EXIT_CODES.UNREACHABLE;
  }
  return EXIT_CODES.REFUSED;
}

/** One line for stderr; URL credentials (a Redis password, a token) never reach the terminal. */
export function messageOf(error: unknown): string {
  if (error instanceof MeshMomentumError) return redactUrlCredentials(`${error.code}: ${error.message}`);
  return redactUrlCredentials(error instanceof Error ? error.message : String(error));
}
